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

/// Updates a volume laid out by [`mount`] the way kubelet does: the new files
/// in a new timestamped directory, then `..data` swapped to it by renaming a
/// fresh symlink over it (one atomic step), then the old directory removed.
/// Keys must be the ones mounted: their symlinks stay as they are.
pub fn update(dir: &Path, files: &[(String, Vec<u8>)]) {
    let old = fs::read_link(dir.join("..data")).expect("a mounted volume");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    let versioned = dir.join(format!("..2026_12_02_00_00_00.{stamp}"));
    fs::create_dir_all(&versioned).expect("the volume directory");
    for (name, bytes) in files {
        fs::write(versioned.join(name), bytes).expect("a volume file");
    }
    let tmp = dir.join("..data_tmp");
    std::os::unix::fs::symlink(&versioned, &tmp).expect("the new ..data symlink");
    fs::rename(&tmp, dir.join("..data")).expect("the ..data swap");
    fs::remove_dir_all(dir.join(old)).expect("the old volume directory");
}
