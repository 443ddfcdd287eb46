//! Who to tell how far OCR is: the reader runs on a blocking thread deep below the intake, so the intake
//! installs an observer for the thread that reads one document ([`observe`]) and [`super::ocr::recognise`]
//! reports to it (pages recognised so far, of how many) without every reader passing it along.

use std::cell::RefCell;
use std::sync::Arc;

/// Told `(pages recognised so far, pages in all)`: once before the first page, then after each page.
pub type Observer = Arc<dyn Fn(usize, usize) + Send + Sync>;

thread_local! {
    static OBSERVER: RefCell<Option<Observer>> = const { RefCell::new(None) };
}

/// Runs `work` with `observer` told of the OCR this thread does; the previous observer is restored after.
pub fn observe<T>(observer: Observer, work: impl FnOnce() -> T) -> T {
    let previous = OBSERVER.with(|slot| slot.replace(Some(observer)));
    // restored on unwinding too: a panicking reader must not leave its observer on a pooled thread
    struct Restore(Option<Observer>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            OBSERVER.with(|slot| *slot.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    work()
}

/// Tells this thread's observer, if any, that `done` of `total` pages are recognised.
pub fn report(done: usize, total: usize) {
    let observer = OBSERVER.with(|slot| slot.borrow().clone());
    if let Some(observer) = observer {
        observer(done, total);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn only_the_observing_thread_is_told_and_only_while_it_observes() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        observe(
            Arc::new(move |done, total| sink.lock().unwrap().push((done, total))),
            || {
                report(0, 2);
                std::thread::spawn(|| report(9, 9)).join().unwrap();
                report(1, 2);
            },
        );
        report(2, 2);
        assert_eq!(*seen.lock().unwrap(), vec![(0, 2), (1, 2)]);
    }
}
