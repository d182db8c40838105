use std::io::{Cursor, Read};

use serde_json::json;

use super::*;

/// The manifest `tests/python/test_teams_app_package.py` checks against Microsoft's schema.
const EXAMPLE_MANIFEST: &str =
    include_str!("../../../../../tests/python/fixtures/teams-manifest-example.json");

/// Command specs (name, description) as the gateway reads them from its Integrations.
fn specs(specs: &[(&str, &str)]) -> Vec<(String, String)> {
    specs
        .iter()
        .map(|(name, about)| (name.to_string(), about.to_string()))
        .collect()
}

fn example_input() -> PackageInput {
    let specs = specs(&[
        ("chatops", "Gateway commands: help, whoami"),
        ("nautobot", "Query and update Nautobot: devices, VLANs, sites"),
        ("awx", "Run and follow Ansible AWX job templates"),
    ]);
    PackageInput {
        app_id: "2f1c6c3a-8b1e-4c2d-9a7f-0e5b3d4c1a29".to_owned(),
        short_name: "ChatOps".to_owned(),
        full_name: "ChatOps gateway for Acme network operations".to_owned(),
        description: "Run network automation commands from Teams.\n\nThe ChatOps gateway answers \
                      /chatops help with the commands you may run."
            .to_owned(),
        publisher: Publisher {
            developer_name: "Acme Network Engineering".to_owned(),
            website_url: "https://chatops.example.com/".to_owned(),
            privacy_url: "https://chatops.example.com/privacy".to_owned(),
            terms_url: "https://chatops.example.com/terms".to_owned(),
            version: "1.0.0".to_owned(),
            accent_color: "#3B5BDB".to_owned(),
            public_url: None,
        },
        valid_domains: vec!["chatops.example.com".to_owned()],
        commands: bot_commands("/", &specs),
    }
}

/// A change to the example input.
type Edit = fn(&mut PackageInput);

/// The manifest of the example input edited by `edit`.
fn manifest_with(edit: impl FnOnce(&mut PackageInput)) -> Result<serde_json::Value, PackageError> {
    let mut input = example_input();
    edit(&mut input);
    manifest(&input)
}

fn unzip(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().into_owned(), file.compression(), data)
        })
        .collect()
}

/// The pixels of an 8-bit RGBA PNG `size` pixels square.
fn decode(bytes: &[u8], size: u32) -> Vec<u8> {
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    pixels.truncate(info.buffer_size());
    assert_eq!((info.width, info.height), (size, size));
    let format = (info.color_type, info.bit_depth);
    assert_eq!(format, (png::ColorType::Rgba, png::BitDepth::Eight));
    pixels
}

#[test]
fn example_manifest_matches_the_schema_checked_fixture() {
    let fixture: serde_json::Value = serde_json::from_str(EXAMPLE_MANIFEST).unwrap();
    assert_eq!(manifest(&example_input()).unwrap(), fixture);
}

#[test]
fn manifest_declares_the_bot_with_its_commands() {
    let manifest = manifest(&example_input()).unwrap();
    assert_eq!(manifest["manifestVersion"], MANIFEST_VERSION);
    assert_eq!(manifest["$schema"], MANIFEST_SCHEMA);
    assert_eq!(manifest["id"], "2f1c6c3a-8b1e-4c2d-9a7f-0e5b3d4c1a29");
    assert_eq!(manifest["accentColor"], "#3b5bdb");
    assert_eq!(
        manifest["icons"],
        json!({"color": "color.png", "outline": "outline.png"})
    );
    assert_eq!(manifest["permissions"], json!(["identity", "messageTeamMembers"]));
    assert_eq!(manifest["validDomains"], json!(["chatops.example.com"]));
    assert_eq!(
        manifest["description"]["short"],
        "Run network automation commands from Teams."
    );
    let bot = &manifest["bots"][0];
    assert_eq!(bot["botId"], manifest["id"]);
    assert_eq!(bot["scopes"], json!(["personal", "team", "groupChat"]));
    assert_eq!(bot["supportsFiles"], false);
    assert_eq!(bot["isNotificationOnly"], false);
    assert_eq!(bot["commandLists"][0]["scopes"], bot["scopes"]);
    let titles: Vec<&str> = bot["commandLists"][0]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|command| command["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["/chatops help", "/nautobot", "/awx"]);
}

#[test]
fn texts_are_trimmed_and_cut_to_the_limits() {
    let mut input = example_input();
    input.short_name = format!("  {}  ", "s".repeat(40));
    input.full_name = "f".repeat(150);
    input.description = format!("{}\n{}", "d".repeat(100), "x".repeat(5000));
    input.publisher.developer_name = "n".repeat(50);
    input.commands = vec![BotCommand {
        title: "t".repeat(40),
        description: "c".repeat(200),
    }];
    let manifest = manifest(&input).unwrap();
    let len = |v: &serde_json::Value| v.as_str().unwrap().chars().count();
    assert_eq!(len(&manifest["name"]["short"]), 30);
    assert!(manifest["name"]["short"].as_str().unwrap().starts_with('s'));
    assert!(manifest["name"]["short"].as_str().unwrap().ends_with('…'));
    assert_eq!(len(&manifest["name"]["full"]), 100);
    assert_eq!(len(&manifest["description"]["short"]), 80);
    assert_eq!(len(&manifest["description"]["full"]), 4000);
    assert_eq!(len(&manifest["developer"]["name"]), 32);
    let command = &manifest["bots"][0]["commandLists"][0]["commands"][0];
    assert_eq!(len(&command["title"]), 32);
    assert_eq!(len(&command["description"]), 128);
}

#[test]
fn an_empty_full_name_is_the_short_name_and_no_commands_means_no_command_list() {
    let manifest = manifest_with(|input| {
        input.full_name = "  ".to_owned();
        input.commands.clear();
        input.valid_domains.clear();
    })
    .unwrap();
    assert_eq!(manifest["name"]["full"], "ChatOps");
    assert!(manifest["bots"][0].get("commandLists").is_none());
    assert!(manifest.get("validDomains").is_none());
}

#[test]
fn at_most_ten_commands_are_listed() {
    let command = |i| BotCommand {
        title: format!("/c{i}"),
        description: "d".to_owned(),
    };
    let manifest = manifest_with(|input| input.commands = (0..15).map(command).collect()).unwrap();
    let listed = manifest["bots"][0]["commandLists"][0]["commands"].as_array();
    assert_eq!(listed.unwrap().len(), 10);
}

#[test]
fn a_non_guid_app_id_is_refused() {
    let mut input = example_input();
    input.app_id = "my-bot".to_owned();
    let err = manifest(&input).unwrap_err();
    assert!(matches!(err, PackageError::NotGuid { .. }), "{err}");
    assert!(err.to_string().contains("not a GUID"), "{err}");
    input.app_id = "2f1c6c3a-8b1e-4c2d-9a7f-0e5b3d4c1a2z".to_owned();
    assert!(matches!(manifest(&input), Err(PackageError::NotGuid { .. })));
    input.app_id = " ".to_owned();
    assert!(matches!(
        manifest(&input),
        Err(PackageError::Empty { field: "app_id" })
    ));
}

#[test]
fn empty_texts_are_refused_naming_the_field() {
    let cases: [(&str, Edit); 4] = [
        ("short_name", |i| i.short_name = " ".into()),
        ("description", |i| i.description = "\n".into()),
        ("developer_name", |i| i.publisher.developer_name.clear()),
        ("privacy_url", |i| i.publisher.privacy_url.clear()),
    ];
    for (field, clear) in cases {
        let err = manifest_with(clear).unwrap_err();
        assert!(
            matches!(err, PackageError::Empty { field: f } if f == field),
            "{field}: {err}"
        );
        assert!(err.to_string().contains(field), "{err}");
    }
}

#[test]
fn urls_must_be_https() {
    for url in [
        "http://example.com",
        "example.com",
        "https://",
        "https:// example.com",
        "ftp://x",
    ] {
        let err = manifest_with(|i| i.publisher.website_url = url.to_owned()).unwrap_err();
        let website = matches!(&err, PackageError::NotHttps { field, .. } if *field == "website_url");
        assert!(website, "{url}: {err}");
    }
    let terms = manifest_with(|i| i.publisher.terms_url = " HTTPS://Example.com/terms?x=1 ".to_owned());
    assert_eq!(
        terms.unwrap()["developer"]["termsOfUseUrl"],
        "HTTPS://Example.com/terms?x=1"
    );
}

#[test]
fn accent_color_must_be_rrggbb() {
    for color in ["3b5bdb", "#3b5bd", "#3b5bdbff", "#gggggg", "blue", ""] {
        let got = manifest_with(|i| i.publisher.accent_color = color.to_owned());
        assert!(matches!(got, Err(PackageError::AccentColor { .. })), "{color}");
    }
    assert_eq!(parse_color(" #0aFf10 ").unwrap(), [0x0a, 0xff, 0x10]);
}

#[test]
fn version_must_be_major_minor_patch() {
    for version in ["1", "1.0", "1.0.0.0", "v1.0.0", "01.0.0", "1.0.0-beta", ""] {
        let got = manifest_with(|i| i.publisher.version = version.to_owned());
        assert!(matches!(got, Err(PackageError::Version { .. })), "{version}");
    }
    let manifest = manifest_with(|i| i.publisher.version = "2.10.0".to_owned());
    assert_eq!(manifest.unwrap()["version"], "2.10.0");
}

#[test]
fn valid_domains_are_hosts_without_duplicates() {
    let mut input = example_input();
    input.valid_domains = ["ChatOps.example.com", "chatops.example.com", "*.example.org", " "]
        .map(String::from)
        .to_vec();
    assert_eq!(
        manifest(&input).unwrap()["validDomains"],
        json!(["chatops.example.com", "*.example.org"])
    );
    for domain in [
        "https://chatops.example.com",
        "chatops.example.com/x",
        "host:8443",
        "a..b",
    ] {
        input.valid_domains = vec![domain.to_owned()];
        assert!(
            matches!(manifest(&input), Err(PackageError::Domain { .. })),
            "{domain}"
        );
    }
    input.valid_domains = (0..17).map(|i| format!("h{i}.example.com")).collect();
    assert!(matches!(
        manifest(&input),
        Err(PackageError::TooManyDomains { count: 17 })
    ));
}

#[test]
fn bot_commands_put_help_first_and_keep_to_the_limits() {
    let (long_name, long_about) = ("a".repeat(40), "d".repeat(300));
    let mut specs = specs(&[
        ("chatops", "Built-in"),
        ("nautobot", "  Query\n  Nautobot "),
        ("empty", ""),
        ("nautobot", "duplicate"),
        (" ", "no name"),
        (&long_name, &long_about),
    ]);
    let commands = bot_commands("/", &specs);
    assert_eq!(commands[0].title, "/chatops help");
    assert_eq!(
        commands[1],
        BotCommand {
            title: "/nautobot".to_owned(),
            description: "Query Nautobot".to_owned()
        }
    );
    assert_eq!(commands[2].title, "/empty");
    assert_eq!(commands[2].description, "The empty commands; /empty lists them");
    assert_eq!(commands[3].title.chars().count(), 32);
    assert_eq!(commands[3].description.chars().count(), 128);
    assert_eq!(commands.len(), 4);

    specs = (0..20)
        .map(|i| (format!("cmd{i}"), format!("command {i}")))
        .collect();
    let commands = bot_commands("", &specs);
    assert_eq!(commands.len(), 10);
    assert_eq!(commands[0].title, "chatops help");
    assert_eq!(commands[9].title, "cmd8");
}

#[test]
fn package_zips_the_manifest_and_icons() {
    let input = example_input();
    let bytes = package(&input).unwrap();
    let files = unzip(&bytes);
    let names: Vec<&str> = files.iter().map(|(name, _, _)| name.as_str()).collect();
    assert_eq!(names, ["manifest.json", "color.png", "outline.png"]);
    let deflated = |(_, method, _): &(_, _, _)| *method == zip::CompressionMethod::Deflated;
    assert!(files.iter().all(deflated));
    let manifest_json: serde_json::Value = serde_json::from_slice(&files[0].2).unwrap();
    assert_eq!(manifest_json, manifest(&input).unwrap());

    let pixels = decode(&files[1].2, 192);
    let pixel = |x: usize, y: usize| &pixels[(y * 192 + x) * 4..(y * 192 + x) * 4 + 4];
    assert_eq!(pixel(96, 20), [0x3b, 0x5b, 0xdb, 255], "accent background");
    assert_eq!(pixel(50, 60), [255, 255, 255, 255], "white bubble");
    assert_eq!(pixel(96, 88), [0x3b, 0x5b, 0xdb, 255], "accent dot");
    assert_eq!(pixel(0, 0)[3], 0, "rounded corner");

    let pixels = decode(&files[2].2, 32);
    let mut white = 0;
    for px in pixels.chunks(4) {
        match px {
            [255, 255, 255, 255] => white += 1,
            [_, _, _, 0] => {}
            other => panic!("outline pixel {other:?} is neither white nor transparent"),
        }
    }
    assert!(white > 50 && white < 32 * 32 / 2, "{white} white pixels");
}

#[test]
fn package_bytes_are_deterministic() {
    let input = example_input();
    assert_eq!(package(&input).unwrap(), package(&input).unwrap());
    let mut other = input.clone();
    other.publisher.version = "1.0.1".to_owned();
    assert_ne!(package(&input).unwrap(), package(&other).unwrap());
}

#[test]
fn package_refuses_what_the_manifest_refuses() {
    let mut input = example_input();
    input.app_id = "not-a-guid".to_owned();
    assert!(matches!(package(&input), Err(PackageError::NotGuid { .. })));
}
