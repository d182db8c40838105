//! Files laid out as kubelet lays out a mounted ConfigMap or Secret volume.

use std::{fs, path::Path};

/// Writes one object's data under `dir` the way kubelet does: the files in a
/// timestamped directory, a `..data` symlink to it, and one symlink per key
/// through `..data`. The gateway's `--config` mode must read exactly this
/// layout (and ignore the dot-entries), so the tests build it and not a flat
/// directory of files.
pub fn mount(dir: &Path, files: &[(String, Vec<u8>)]) {
    let versioned = dir.join("..2026_11_25_08_00_00.000000001");
    fs::create_dir_all(&versioned).expect("the volume directory");
    for (name, bytes) in files {
        fs::write(versioned.join(name), bytes).expect("a volume file");
    }
    std::os::unix::fs::symlink(&versioned, dir.join("..data")).expect("the ..data symlink");
    for (name, _) in files {
        std::os::unix::fs::symlink(Path::new("..data").join(name), dir.join(name)).expect("a key symlink");
    }
}
