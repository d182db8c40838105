//! Tests of the nautobot worker.
