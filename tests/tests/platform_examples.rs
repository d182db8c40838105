//! `examples/platforms/`: each file compiles beside the quickstart, and the
//! Teams one gives the app package its comments promise.

use std::{io::Read, process::Command};

use chatops_crds::{Kind, manifests};
use chatops_tests::{compile_ready, copy_quickstart, gateway_process::gateway_binary, workspace_root};

/// The quickstart plus every file of `examples/platforms/`.
fn quickstart_with_platforms() -> tempfile::TempDir {
    let dir = copy_quickstart();
    let examples = workspace_root().join("examples/platforms");
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

#[test]
fn every_platform_example_compiles_beside_the_quickstart() {
    let dir = quickstart_with_platforms();
    let loaded = manifests::load_dir(dir.path(), "default").unwrap();
    let compiled = compile_ready(loaded, "the quickstart and the platform examples");
    let platforms = compiled
        .diagnostics
        .iter()
        .filter(|d| d.object.kind == Kind::ChatPlatform)
        .count();
    assert_eq!(platforms, 5, "slack, teams, webex, mattermost and slack-socket");
}

#[test]
fn the_teams_example_gives_an_app_package_for_the_bot() {
    let dir = quickstart_with_platforms();
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(gateway_binary())
        .arg("--manifests")
        .arg(dir.path())
        .args([
            "--namespace",
            "chatops",
            "--public-url",
            "https://chatops.example.com",
        ])
        .arg("--write-teams-app-packages")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let file = std::fs::File::open(out.path().join("teams.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["color.png", "manifest.json", "outline.png"]);
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        manifest["bots"][0]["botId"],
        "00000000-1111-2222-3333-444444444444"
    );
    assert_eq!(
        manifest["validDomains"],
        serde_json::json!(["chatops.example.com"])
    );
    let titles: Vec<&str> = manifest["bots"][0]["commandLists"][0]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"nautobot"),
        "the quickstart's integration is listed: {titles:?}"
    );
    assert!(
        !manifest.to_string().contains("teams-app-password"),
        "no secret in the package"
    );
}
