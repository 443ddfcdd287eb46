//! Group commit: intake's writes to SQLite go through one writer task, which runs every write waiting at
//! that moment inside a single transaction (each in its own savepoint, so one failing write does not undo
//! the others) and commits them together. With `synchronous = FULL` every commit costs an fsync (a few
//! milliseconds on common disks); grouping turns one fsync per document into one per group, so the
//! journal stays durable without making fsync the ceiling of intake's throughput.
//!
//! A write is reported done only after its group committed: a caller never acts on a write that a crash
//! could still undo.

use std::future::Future;
use std::pin::Pin;

use sqlx::{Acquire, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// The most writes committed in one transaction.
const MAX_GROUP: usize = 128;

/// A boxed future borrowing the connection it writes through.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// Hands the result of one write to its caller once the group's commit is known (`None`: committed).
type Delivery = Box<dyn FnOnce(Option<&str>) + Send>;

/// One queued write: runs inside the group's transaction, returns whether it succeeded and how to deliver.
type Op = Box<
    dyn for<'c> FnOnce(
            &'c mut SqliteConnection,
        ) -> Pin<Box<dyn Future<Output = (bool, Delivery)> + Send + 'c>>
        + Send,
>;

/// The sending side of the writer; cheap to clone. The writer task ends when every clone is dropped.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    sender: mpsc::Sender<Op>,
}

impl GroupCommit {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(pool: SqlitePool) -> Self {
        let (sender, receiver) = mpsc::channel(MAX_GROUP * 4);
        tokio::spawn(write_loop(pool, receiver));
        Self { sender }
    }

    /// Runs `write` in the next group and returns its result once the group committed. `action` names the
    /// write in error messages.
    pub async fn run<T, F>(&self, action: &str, write: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T>>();
        let owned_action = action.to_owned();
        let op: Op = Box::new(move |conn| {
            Box::pin(async move {
                let result = write(conn).await;
                let ok = result.is_ok();
                let deliver: Delivery = Box::new(move |commit_failure: Option<&str>| {
                    let result = match (result, commit_failure) {
                        (Ok(_), Some(failure)) => Err(Error::Database {
                            action: owned_action,
                            source: sqlx::Error::Protocol(failure.to_owned()),
                        }),
                        (result, _) => result,
                    };
                    let _ = reply.send(result);
                });
                (ok, deliver)
            })
        });
        let stopped = || Error::Database {
            action: action.to_owned(),
            source: sqlx::Error::Protocol("the intake writer stopped".to_owned()),
        };
        self.sender.send(op).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write_loop(pool: SqlitePool, mut receiver: mpsc::Receiver<Op>) {
    while let Some(first) = receiver.recv().await {
        let mut ops = vec![first];
        while ops.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        let mut deliveries = Vec::with_capacity(ops.len());
        let committed = run_group(&pool, ops, &mut deliveries).await;
        let failure = committed.err().map(|e| e.to_string());
        for deliver in deliveries {
            deliver(failure.as_deref());
        }
        // writes the failed group never ran drop their reply: their callers get "the writer stopped"
    }
}

/// Runs the writes of one group in one transaction, each in a savepoint, and commits.
async fn run_group(
    pool: &SqlitePool,
    ops: Vec<Op>,
    deliveries: &mut Vec<Delivery>,
) -> std::result::Result<(), sqlx::Error> {
    // IMMEDIATE: the write lock is taken up front, so the reads a write does before writing (is this file
    // known?) cannot be overtaken by another process writing the same database
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for op in ops {
        let mut savepoint = tx.begin().await?;
        let (ok, deliver) = op(&mut savepoint).await;
        deliveries.push(deliver);
        if ok {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
    }
    tx.commit().await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sqlx::Row;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_commit_in_groups_and_a_failing_one_leaves_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("db.sqlite"))
            .await
            .unwrap();
        let writer = GroupCommit::start(store.pool().clone());
        let mut tasks = Vec::new();
        for i in 0..50i64 {
            let writer = writer.clone();
            tasks.push(tokio::spawn(async move {
                writer
                    .run("write a setting", move |conn| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO settings (key, value) VALUES (?, 'v')")
                                .bind(if i == 7 { "dup".to_owned() } else { format!("k{i}") })
                                .execute(&mut *conn)
                                .await
                                .map_err(Error::database("insert"))?;
                            if i == 7 {
                                // the second insert of the same key fails: only this write is undone
                                sqlx::query("INSERT INTO settings (key, value) VALUES ('dup', 'v')")
                                    .execute(&mut *conn)
                                    .await
                                    .map_err(Error::database("insert again"))?;
                            }
                            Ok(i)
                        })
                    })
                    .await
            }));
        }
        let mut failed = 0;
        for task in tasks {
            if task.await.unwrap().is_err() {
                failed += 1;
            }
        }
        assert_eq!(failed, 1);
        let rows = sqlx::query("SELECT COUNT(*) AS n FROM settings")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(
            rows.get::<i64, _>("n"),
            49,
            "the failed write left nothing behind"
        );
    }
}
