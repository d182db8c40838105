//! Rendering alone, without Panorama.
