//! The Teams app package a Teams admin uploads for a `msteams` ChatPlatform: `manifest.json`
//! (app manifest schema v1.22), `color.png` (192x192) and `outline.png` (32x32, white on
//! transparent), zipped.
//!
//! The manifest declares one bot (the platform's Microsoft App ID) in the personal, team and
//! group-chat scopes, with the commands the gateway serves as its command list. Inputs are
//! checked and normalized here so that what Teams rejects at upload is refused with a clear
//! error instead: texts are trimmed and cut to Teams' limits, URLs must be https, the app id
//! must be a GUID.

use std::io::{Cursor, Write};

use serde_json::{Value, json};

/// The app manifest version the package declares.
pub const MANIFEST_VERSION: &str = "1.22";
/// The schema of [`MANIFEST_VERSION`].
pub const MANIFEST_SCHEMA: &str =
    "https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json";
/// The colour icon's file name in the package.
pub const COLOR_ICON: &str = "color.png";
/// The outline icon's file name in the package.
pub const OUTLINE_ICON: &str = "outline.png";
/// The colour icon's width and height.
pub const COLOR_ICON_SIZE: u32 = 192;
/// The outline icon's width and height.
pub const OUTLINE_ICON_SIZE: u32 = 32;

/// Longest short app name.
pub const SHORT_NAME_MAX: usize = 30;
/// Longest full app name.
pub const FULL_NAME_MAX: usize = 100;
/// Longest short description.
pub const SHORT_DESCRIPTION_MAX: usize = 80;
/// Longest full description.
pub const FULL_DESCRIPTION_MAX: usize = 4000;
/// Longest developer name.
pub const DEVELOPER_NAME_MAX: usize = 32;
/// Longest bot command title.
pub const COMMAND_TITLE_MAX: usize = 32;
/// Longest bot command description.
pub const COMMAND_DESCRIPTION_MAX: usize = 128;
/// Most bot commands listed.
pub const COMMANDS_MAX: usize = 10;
/// Most valid domains.
pub const VALID_DOMAINS_MAX: usize = 16;

/// The scopes the bot (and its command list) is offered in.
const SCOPES: [&str; 3] = ["personal", "team", "groupChat"];

/// What the package is made from.
#[derive(Clone, Debug)]
pub struct PackageInput {
    /// The bot's Microsoft App ID (a GUID); also the app's id.
    pub app_id: String,
    /// The app's name where space is short (cut to 30 characters).
    pub short_name: String,
    /// The app's full name (cut to 100 characters; empty: the short name).
    pub full_name: String,
    /// What the app does: the first line (cut to 80 characters) is the short description,
    /// the whole text (cut to 4000) the full one.
    pub description: String,
    /// Who publishes the app: the developer name is cut to 32 characters, the URLs must be
    /// https, the version `MAJOR.MINOR.PATCH`, the colour `#RRGGBB`. Its public URL is not
    /// read here: it is where `valid_domains` come from.
    pub publisher: Publisher,
    /// Hosts the app may open, e.g. the gateway's public host (no scheme, no path).
    pub valid_domains: Vec<String>,
    /// The bot's command list (see [`bot_commands`]).
    pub commands: Vec<BotCommand>,
}

/// What the deployment says about the app, beyond its ChatPlatform.
#[derive(Clone, Debug)]
pub struct Publisher {
    /// Who publishes the app.
    pub developer_name: String,
    /// Support page (https).
    pub website_url: String,
    /// Privacy statement (https).
    pub privacy_url: String,
    /// Terms of use (https).
    pub terms_url: String,
    /// The app version; raise it for each re-upload.
    pub version: String,
    /// `#RRGGBB`: the icon background and accent colour.
    pub accent_color: String,
    /// The gateway's public URL: its host is the app's valid domain.
    pub public_url: Option<String>,
}

/// One entry of the bot's command list, offered in the Teams compose box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotCommand {
    /// What is typed (at most 32 characters).
    pub title: String,
    /// What it does (at most 128 characters).
    pub description: String,
}

/// Why no package can be made.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// A required text is empty once trimmed.
    #[error("Teams app package: {field} is empty")]
    Empty {
        /// The input field.
        field: &'static str,
    },
    /// The app id is not a GUID.
    #[error(
        "Teams app package: app_id {value:?} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); \
         Teams needs the bot's Microsoft App ID"
    )]
    NotGuid {
        /// The app id given.
        value: String,
    },
    /// A URL is not an https URL with a host.
    #[error("Teams app package: {field} {value:?} is not an https:// URL")]
    NotHttps {
        /// The input field.
        field: &'static str,
        /// The URL given.
        value: String,
    },
    /// The accent colour is not `#RRGGBB`.
    #[error("Teams app package: accent_color {value:?} is not a #RRGGBB colour")]
    AccentColor {
        /// The colour given.
        value: String,
    },
    /// The version is not `MAJOR.MINOR.PATCH`.
    #[error("Teams app package: version {value:?} is not MAJOR.MINOR.PATCH (e.g. 1.0.0)")]
    Version {
        /// The version given.
        value: String,
    },
    /// A valid domain is not a bare host name.
    #[error("Teams app package: valid domain {value:?} is not a host name (no scheme, path or port)")]
    Domain {
        /// The domain given.
        value: String,
    },
    /// More valid domains than Teams accepts.
    #[error("Teams app package: {count} valid domains, Teams accepts at most {VALID_DOMAINS_MAX}")]
    TooManyDomains {
        /// How many were given (after removing duplicates).
        count: usize,
    },
    /// An icon could not be encoded.
    #[error("Teams app package: encoding {file}: {reason}")]
    Icon {
        /// The icon file.
        file: &'static str,
        /// What the encoder said.
        reason: String,
    },
    /// The zip could not be written.
    #[error("Teams app package: writing the zip: {0}")]
    Zip(String),
}

/// The manifest (pure).
pub fn manifest(input: &PackageInput) -> Result<Value, PackageError> {
    let app_id = input.app_id.trim();
    if app_id.is_empty() {
        return Err(PackageError::Empty { field: "app_id" });
    }
    if !is_guid(app_id) {
        return Err(PackageError::NotGuid {
            value: app_id.to_owned(),
        });
    }
    let short_name = required_text("short_name", &input.short_name, SHORT_NAME_MAX)?;
    let full_name = match cut(input.full_name.trim(), FULL_NAME_MAX) {
        full if full.is_empty() => short_name.clone(),
        full => full,
    };
    let description = input.description.trim();
    let first_line = description.lines().next().unwrap_or("");
    let short_description = required_text("description", first_line, SHORT_DESCRIPTION_MAX)?;
    let full_description = cut(description, FULL_DESCRIPTION_MAX);
    let developer_name = required_text(
        "developer_name",
        &input.publisher.developer_name,
        DEVELOPER_NAME_MAX,
    )?;
    let website_url = https_url("website_url", &input.publisher.website_url)?;
    let privacy_url = https_url("privacy_url", &input.publisher.privacy_url)?;
    let terms_url = https_url("terms_url", &input.publisher.terms_url)?;
    let version = input.publisher.version.trim();
    if !is_version(version) {
        return Err(PackageError::Version {
            value: input.publisher.version.clone(),
        });
    }
    let accent_color = parse_color(&input.publisher.accent_color)?;
    let valid_domains = valid_domains(&input.valid_domains)?;
    let commands: Vec<Value> = input
        .commands
        .iter()
        .filter_map(|command| {
            let title = cut(command.title.trim(), COMMAND_TITLE_MAX);
            let description = cut(command.description.trim(), COMMAND_DESCRIPTION_MAX);
            (!title.is_empty() && !description.is_empty())
                .then(|| json!({ "title": title, "description": description }))
        })
        .take(COMMANDS_MAX)
        .collect();

    let mut bot = json!({
        "botId": app_id,
        "scopes": SCOPES,
        "supportsFiles": false,
        "isNotificationOnly": false,
    });
    if !commands.is_empty() {
        bot["commandLists"] = json!([{ "scopes": SCOPES, "commands": commands }]);
    }
    let mut manifest = json!({
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": developer_name,
            "websiteUrl": website_url,
            "privacyUrl": privacy_url,
            "termsOfUseUrl": terms_url,
        },
        "name": { "short": short_name, "full": full_name },
        "description": { "short": short_description, "full": full_description },
        "icons": { "color": COLOR_ICON, "outline": OUTLINE_ICON },
        "accentColor": hex(accent_color),
        "bots": [bot],
        "permissions": ["identity", "messageTeamMembers"],
    });
    if !valid_domains.is_empty() {
        manifest["validDomains"] = json!(valid_domains);
    }
    Ok(manifest)
}

/// manifest.json, color.png and outline.png, zipped (deflate), deterministic bytes for the same
/// input (fixed timestamps).
pub fn package(input: &PackageInput) -> Result<Vec<u8>, PackageError> {
    let manifest = manifest(input)?;
    let accent = parse_color(&input.publisher.accent_color)?;
    let mut manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|err| PackageError::Zip(err.to_string()))?;
    manifest_json.push(b'\n');
    let files: [(&str, Vec<u8>); 3] = [
        ("manifest.json", manifest_json),
        (COLOR_ICON, color_icon(accent)?),
        (OUTLINE_ICON, outline_icon()?),
    ];

    let zip_err = |err: zip::result::ZipError| PackageError::Zip(err.to_string());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(zip_err)?;
        zip.write_all(&bytes)
            .map_err(|err| PackageError::Zip(err.to_string()))?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// The commands to list: from (command name, what it does) pairs, e.g. the registry's command
/// specs, `{prefix}chatops help` first, then each other command in the given order; titles
/// cut to 32 characters, descriptions to 128, at most 10.
///
/// The pair for the built-in `chatops` command is covered by the first entry; pairs without a
/// name are skipped and a command without a description gets one naming its help.
pub fn bot_commands(prefix: &str, commands: &[(String, String)]) -> Vec<BotCommand> {
    let mut list = vec![BotCommand {
        title: cut(&format!("{prefix}chatops help"), COMMAND_TITLE_MAX),
        description: "List the commands I know and what they do".to_owned(),
    }];
    for (name, doc) in commands {
        let name = name.trim();
        if name.is_empty() || name == "chatops" {
            continue;
        }
        let title = cut(&format!("{prefix}{name}"), COMMAND_TITLE_MAX);
        if list.iter().any(|command| command.title == title) {
            continue;
        }
        let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
        let description = if doc.is_empty() {
            format!("The {name} commands; {prefix}{name} lists them")
        } else {
            doc
        };
        list.push(BotCommand {
            title,
            description: cut(&description, COMMAND_DESCRIPTION_MAX),
        });
        if list.len() == COMMANDS_MAX {
            break;
        }
    }
    list
}

/// The 192x192 colour icon: an accent-coloured rounded square with a white speech bubble
/// holding three accent-coloured dots.
pub fn color_icon(accent_color: [u8; 3]) -> Result<Vec<u8>, PackageError> {
    let size = COLOR_ICON_SIZE as i32;
    let accent = [accent_color[0], accent_color[1], accent_color[2], 255];
    let white = [255, 255, 255, 255];
    let mut canvas = Canvas::new(COLOR_ICON_SIZE);
    canvas.rounded_rect(0, 0, size, size, 36, accent);
    // The bubble, and its tail at the lower left.
    canvas.rounded_rect(36, 44, 156, 132, 24, white);
    canvas.triangle((60, 128), (92, 128), (56, 160), white);
    for cx in [66, 96, 126] {
        canvas.disc(cx, 88, 11, accent);
    }
    encode_png(&canvas, COLOR_ICON)
}

/// The 32x32 outline icon: a white speech-bubble outline on transparency (only fully white
/// and fully transparent pixels, as Teams requires).
pub fn outline_icon() -> Result<Vec<u8>, PackageError> {
    let white = [255, 255, 255, 255];
    let clear = [0, 0, 0, 0];
    let mut canvas = Canvas::new(OUTLINE_ICON_SIZE);
    canvas.rounded_rect(3, 5, 29, 23, 5, white);
    canvas.rounded_rect(5, 7, 27, 21, 3, clear);
    canvas.triangle((8, 22), (14, 22), (7, 28), white);
    for cx in [10, 16, 22] {
        canvas.rounded_rect(cx - 1, 13, cx + 1, 15, 0, white);
    }
    encode_png(&canvas, OUTLINE_ICON)
}

/// `value` trimmed and cut to `max` characters; an error naming `field` when empty.
fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, PackageError> {
    match cut(value.trim(), max) {
        text if text.is_empty() => Err(PackageError::Empty { field }),
        text => Ok(text),
    }
}

/// `text` with at most `max` characters: cut, ending in `…`, when longer.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Whether `value` is a GUID: 8-4-4-4-12 hex digits.
fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `value` is `MAJOR.MINOR.PATCH` without leading zeros.
fn is_version(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.len() <= 9
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
        })
}

/// The trimmed https URL with a host in `value`.
fn https_url(field: &'static str, value: &str) -> Result<String, PackageError> {
    let url = value.trim();
    if url.is_empty() {
        return Err(PackageError::Empty { field });
    }
    let host = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or("");
    if host.is_empty() || url.len() > 2048 || url.chars().any(char::is_whitespace) {
        return Err(PackageError::NotHttps {
            field,
            value: url.to_owned(),
        });
    }
    Ok(url.to_owned())
}

/// The RGB of a `#RRGGBB` colour.
pub fn parse_color(value: &str) -> Result<[u8; 3], PackageError> {
    let err = || PackageError::AccentColor {
        value: value.to_owned(),
    };
    let digits = value.trim().strip_prefix('#').ok_or_else(err)?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err());
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| err());
    Ok([channel(0)?, channel(2)?, channel(4)?])
}

/// `#rrggbb`.
fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The valid domains, trimmed, lower-cased and without duplicates; each a host name,
/// optionally with a leading `*.`.
fn valid_domains(domains: &[String]) -> Result<Vec<String>, PackageError> {
    let mut out: Vec<String> = Vec::new();
    for domain in domains {
        let domain = domain.trim().to_ascii_lowercase();
        if domain.is_empty() {
            continue;
        }
        let host = domain.strip_prefix("*.").unwrap_or(&domain);
        let ok = host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !ok {
            return Err(PackageError::Domain { value: domain });
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    if out.len() > VALID_DOMAINS_MAX {
        return Err(PackageError::TooManyDomains { count: out.len() });
    }
    Ok(out)
}

/// A square RGBA image being drawn.
struct Canvas {
    size: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A transparent canvas.
    fn new(size: u32) -> Self {
        Canvas {
            size,
            pixels: vec![0; (size * size * 4) as usize],
        }
    }

    /// Sets pixel (`x`, `y`), ignoring ones off the canvas.
    fn set(&mut self, x: i32, y: i32, rgba: [u8; 4]) {
        if x < 0 || y < 0 || x >= self.size as i32 || y >= self.size as i32 {
            return;
        }
        let at = ((y as u32 * self.size + x as u32) * 4) as usize;
        self.pixels[at..at + 4].copy_from_slice(&rgba);
    }

    /// Fills the pixels `x0..x1` × `y0..y1` whose centres lie in the rectangle with corners
    /// rounded by `radius`.
    fn rounded_rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, radius: i32, rgba: [u8; 4]) {
        for y in y0..y1 {
            for x in x0..x1 {
                // Distance (doubled, to stay on integers) from the pixel centre to the
                // nearest corner circle's centre, when the pixel is in a corner square.
                let cx = (2 * x + 1).clamp(2 * (x0 + radius), 2 * (x1 - radius));
                let cy = (2 * y + 1).clamp(2 * (y0 + radius), 2 * (y1 - radius));
                let (dx, dy) = (2 * x + 1 - cx, 2 * y + 1 - cy);
                if dx * dx + dy * dy <= 4 * radius * radius {
                    self.set(x, y, rgba);
                }
            }
        }
    }

    /// Fills the pixels whose centres lie within `radius` of (`cx`, `cy`).
    fn disc(&mut self, cx: i32, cy: i32, radius: i32, rgba: [u8; 4]) {
        self.rounded_rect(cx - radius, cy - radius, cx + radius, cy + radius, radius, rgba);
    }

    /// Fills the pixels whose centres lie in the triangle `a`, `b`, `c`.
    fn triangle(&mut self, a: (i32, i32), b: (i32, i32), c: (i32, i32), rgba: [u8; 4]) {
        let (xmin, xmax) = (a.0.min(b.0).min(c.0), a.0.max(b.0).max(c.0));
        let (ymin, ymax) = (a.1.min(b.1).min(c.1), a.1.max(b.1).max(c.1));
        // Edge functions on doubled coordinates (pixel centres are odd).
        let edge = |p: (i32, i32), q: (i32, i32), x: i32, y: i32| {
            (2 * q.0 - 2 * p.0) * (y - 2 * p.1) - (2 * q.1 - 2 * p.1) * (x - 2 * p.0)
        };
        for y in ymin..ymax {
            for x in xmin..xmax {
                let (px, py) = (2 * x + 1, 2 * y + 1);
                let e = [edge(a, b, px, py), edge(b, c, px, py), edge(c, a, px, py)];
                if e.iter().all(|&v| v >= 0) || e.iter().all(|&v| v <= 0) {
                    self.set(x, y, rgba);
                }
            }
        }
    }
}

/// The canvas as an 8-bit RGBA PNG.
fn encode_png(canvas: &Canvas, file: &'static str) -> Result<Vec<u8>, PackageError> {
    let err = |err: png::EncodingError| PackageError::Icon {
        file,
        reason: err.to_string(),
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, canvas.size, canvas.size);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(&canvas.pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests;
