# Convenience aliases for the scripts in scripts/ (a fresh machine may not have make: the scripts are the
# source of truth, see README.md).
.PHONY: setup run test e2e lint fmt

setup:
	bash scripts/setup.sh
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
e2e:
	bash scripts/e2e.sh
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
fmt:
	cargo fmt --all
