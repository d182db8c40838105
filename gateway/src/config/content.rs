//! What a watched directory holds, as one digest: a reload is worth doing
//! only when it differs from the last one read.

use std::path::Path;

use sha2::{Digest, Sha256};

/// How deep the walk follows directories (and symlinks to them); a symlink
/// loop ends here instead of running forever.
const MAX_DEPTH: usize = 8;

/// A digest of every file below `dir` that a load could read: the path
/// relative to `dir`, then the content, of each non-hidden file, following
/// symlinks, in name order.
///
/// Hidden entries are left out as the loaders leave them out: kubelet's
/// `..2024_…` directories are renamed at each update, while the visible
/// `key -> ..data/key` links read the same content. A file that cannot be
/// read counts with its error kind, so a file that becomes readable (or a
/// directory that appears) changes the digest.
pub fn digest(dir: &Path) -> [u8; 32] {
    let mut hasher = Sha256::new();
    walk(dir, Path::new(""), 0, &mut hasher);
    hasher.finalize().into()
}

fn walk(dir: &Path, relative: &Path, depth: usize, hasher: &mut Sha256) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            record(
                hasher,
                relative,
                b"unreadable directory",
                format!("{:?}", err.kind()).as_bytes(),
            );
            return;
        }
    };
    let mut names: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name())
        .filter(|name| !name.to_string_lossy().starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let relative = relative.join(&name);
        if path.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, &relative, depth + 1, hasher);
            }
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => record(hasher, &relative, b"file", &bytes),
            Err(err) => record(
                hasher,
                &relative,
                b"unreadable file",
                format!("{:?}", err.kind()).as_bytes(),
            ),
        }
    }
}

/// Feeds one entry, length-prefixed so that no two different trees hash alike
/// by moving bytes between a name and a content.
fn record(hasher: &mut Sha256, relative: &Path, kind: &[u8], content: &[u8]) {
    for part in [relative.as_os_str().as_encoded_bytes(), kind, content] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::digest;

    #[test]
    fn reading_changes_nothing_and_every_content_change_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/b.yaml"), "b: 1\n").unwrap();
        let first = digest(dir.path());
        let _ = fs::read(dir.path().join("a.yaml")).unwrap();
        assert_eq!(digest(dir.path()), first, "reading is not a change");

        fs::write(dir.path().join("sub/b.yaml"), "b: 2\n").unwrap();
        let modified = digest(dir.path());
        assert_ne!(modified, first, "a modified file");
        fs::write(dir.path().join("c.yaml"), "").unwrap();
        let created = digest(dir.path());
        assert_ne!(created, modified, "a new (even empty) file");
        fs::rename(dir.path().join("c.yaml"), dir.path().join("d.yaml")).unwrap();
        assert_ne!(digest(dir.path()), created, "a renamed file");
        fs::remove_file(dir.path().join("d.yaml")).unwrap();
        assert_eq!(
            digest(dir.path()),
            modified,
            "the same content hashes the same again"
        );
    }

    #[test]
    fn hidden_entries_do_not_count_but_what_links_into_them_does() {
        // kubelet's layout: key -> ..data/key, ..data -> ..2026_12_02_…
        let dir = tempfile::tempdir().unwrap();
        let swap = |stamp: &str, content: &str| {
            let versioned = dir.path().join(stamp);
            fs::create_dir(&versioned).unwrap();
            fs::write(versioned.join("config.yaml"), content).unwrap();
            let tmp = dir.path().join("..data_tmp");
            std::os::unix::fs::symlink(stamp, &tmp).unwrap();
            fs::rename(&tmp, dir.path().join("..data")).unwrap();
        };
        swap("..2026_12_02_1", "a: 1\n");
        std::os::unix::fs::symlink("..data/config.yaml", dir.path().join("config.yaml")).unwrap();
        let first = digest(dir.path());
        swap("..2026_12_02_2", "a: 1\n");
        assert_eq!(digest(dir.path()), first, "a swap to the same content");
        swap("..2026_12_02_3", "a: 2\n");
        assert_ne!(digest(dir.path()), first, "a swap to new content");
    }

    #[test]
    fn a_missing_directory_has_a_digest_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let missing = digest(&dir.path().join("missing"));
        let empty = digest(dir.path());
        assert_ne!(missing, empty);
    }

    #[test]
    fn a_symlink_loop_ends() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("loop")).unwrap();
        fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        let _ = digest(dir.path());
    }
}
