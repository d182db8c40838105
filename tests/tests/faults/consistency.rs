//! Grants swapped while commands run (placeholder replaced below).
