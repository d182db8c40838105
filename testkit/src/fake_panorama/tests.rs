//! The fake Panorama's own logic.
