//! The workflow after a decision: the invoice state machine, people and approvals (steps from the policy,
//! delegation, separation of duties), field corrections, queues with SLAs, the tamper-evident audit trail
//! and the metrics computed from it.
//!
//! Everything here is pure or takes the caller's connection and clock: no `Utc::now()` inside workflow
//! logic, so a simulated month runs in a test exactly as a real one would.

pub mod approvals;
pub mod audit;
pub mod corrections;
pub mod metrics;
pub mod queues;
pub mod state;
