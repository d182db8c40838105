//! The render options `width=`, `height=`, `theme=`, `timespan=` and
//! `timezone=`: the Integration's defaults, overridden by what is typed,
//! each checked before Grafana is asked, so that a typo is told as what the
//! option takes rather than as a broken picture.

use chatops_crds::settings::{GrafanaTheme, RenderDefaults};

use super::timespan;

/// The smallest width or height, in pixels (as the Integration's schema).
pub const MIN_SIDE: u32 = 100;
/// The largest width or height, in pixels.
pub const MAX_SIDE: u32 = 4000;
/// The longest time zone name taken.
const MAX_TIMEZONE: usize = 64;

/// A value an option does not take; says which option and what it takes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    /// `width=` or `height=` not a whole number of pixels in range.
    #[error(
        "`{option}={value}` is not allowed: {option} takes a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}."
    )]
    Side {
        /// `width` or `height`.
        option: &'static str,
        /// What was typed.
        value: String,
    },
    /// `theme=` neither dark nor light.
    #[error("`theme={0}` is not allowed: theme takes `dark` or `light`.")]
    Theme(String),
    /// `timespan=` no span Grafana or ISO 8601 knows.
    #[error(
        "`timespan={0}` is not allowed: timespan takes a Grafana span such as `6h`, `7d` or `1M` \
         (units s, m, h, d, w, M, y), or an ISO 8601 duration such as `PT6H`, `P7D` or `P1DT12H`."
    )]
    Timespan(String),
    /// `timezone=` not a time zone name.
    #[error(
        "`timezone={0}` is not allowed: timezone takes a time zone name such as `Europe/Paris`, \
         `America/New_York` or `UTC`, or `browser`."
    )]
    Timezone(String),
}

/// How a panel is rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Width, in pixels.
    pub width: u32,
    /// Height, in pixels.
    pub height: u32,
    /// The theme.
    pub theme: GrafanaTheme,
    /// The span as typed (`P1DT12H`) and Grafana's `from` (`now-36h`); none:
    /// the dashboard's own time range.
    pub timespan: Option<(String, String)>,
    /// The time zone of the axes; none: Grafana's default.
    pub timezone: Option<String>,
}

/// Why the options cannot be taken: a value typed, or a default of the Integration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// A value the user typed.
    #[error("{0}")]
    Typed(OptionError),
    /// A default of the Integration (its schema should have refused it).
    #[error("The Integration's default is wrong: {0}")]
    Default(OptionError),
}

impl RenderOptions {
    /// The Integration's `defaults` with the `typed` options (name, value)
    /// over them. The typed values are checked first, and a default only
    /// where nothing replaces it: a broken default is no obstacle to a user
    /// who types the option.
    pub fn with(defaults: &RenderDefaults, typed: &[(&str, &str)]) -> Result<Self, Rejected> {
        let mut options = RenderOptions {
            width: defaults.width,
            height: defaults.height,
            theme: defaults.theme,
            timespan: None,
            timezone: None,
        };
        for (name, value) in typed {
            options.set(name, value).map_err(Rejected::Typed)?;
        }
        let kept = [
            ("width", Some(defaults.width.to_string())),
            ("height", Some(defaults.height.to_string())),
            ("timespan", defaults.timespan.clone()),
            ("timezone", defaults.timezone.clone()),
        ];
        for (name, value) in kept {
            let replaced = typed.iter().any(|(typed, _)| *typed == name);
            if let (false, Some(value)) = (replaced, value) {
                options.set(name, &value).map_err(Rejected::Default)?;
            }
        }
        Ok(options)
    }

    /// Takes option `name` (`width`, `height`, `theme`, `timespan` or
    /// `timezone`; others are ignored) as `value`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), OptionError> {
        match name {
            "width" => self.width = side("width", value)?,
            "height" => self.height = side("height", value)?,
            "theme" => {
                self.theme = match value.to_ascii_lowercase().as_str() {
                    "dark" => GrafanaTheme::Dark,
                    "light" => GrafanaTheme::Light,
                    _ => return Err(OptionError::Theme(value.to_owned())),
                }
            }
            "timespan" => {
                let from = timespan::from_of(value).ok_or_else(|| OptionError::Timespan(value.to_owned()))?;
                self.timespan = Some((value.to_owned(), from));
            }
            "timezone" => {
                if !is_timezone(value) {
                    return Err(OptionError::Timezone(value.to_owned()));
                }
                self.timezone = Some(value.to_owned());
            }
            _ => {}
        }
        Ok(())
    }

    /// Grafana's render parameters for these options: `width`, `height`,
    /// `theme`, and `from`/`to` and `tz` when set.
    pub fn query(&self) -> Vec<(String, String)> {
        let mut query = vec![
            ("width".to_owned(), self.width.to_string()),
            ("height".to_owned(), self.height.to_string()),
            ("theme".to_owned(), self.theme.as_str().to_owned()),
        ];
        if let Some((_, from)) = &self.timespan {
            query.push(("from".to_owned(), from.clone()));
            query.push(("to".to_owned(), "now".to_owned()));
        }
        if let Some(zone) = &self.timezone {
            query.push(("tz".to_owned(), zone.clone()));
        }
        query
    }

    /// The time range, in words: "the last 36h" or "the dashboard's time range".
    pub fn time_range(&self) -> String {
        let range = match &self.timespan {
            Some((_, from)) => format!(
                "the last {}",
                from.trim_start_matches("now-").replace('-', " and ")
            ),
            None => "the dashboard's time range".to_owned(),
        };
        match &self.timezone {
            Some(zone) => format!("{range}, in {zone}"),
            None => range,
        }
    }
}

/// What help says each option takes, with its default from `defaults`.
pub fn docs(defaults: &RenderDefaults) -> [(&'static str, String); 5] {
    let or = |value: &Option<String>, none: &str| value.clone().unwrap_or_else(|| none.to_owned());
    [
        (
            "width",
            format!(
                "Width in pixels, {MIN_SIDE} to {MAX_SIDE} (default {})",
                defaults.width
            ),
        ),
        (
            "height",
            format!(
                "Height in pixels, {MIN_SIDE} to {MAX_SIDE} (default {})",
                defaults.height
            ),
        ),
        (
            "theme",
            format!("`dark` or `light` (default {})", defaults.theme.as_str()),
        ),
        (
            "timespan",
            format!(
                "How far back, ending now: `6h`, `7d`, `1M`, or ISO 8601 such as `P1DT12H` (default {})",
                or(&defaults.timespan, "the dashboard's time range")
            ),
        ),
        (
            "timezone",
            format!(
                "The time zone of the axes, e.g. `Europe/Paris` or `UTC` (default {})",
                or(&defaults.timezone, "Grafana's")
            ),
        ),
    ]
}

fn side(option: &'static str, value: &str) -> Result<u32, OptionError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (MIN_SIDE..=MAX_SIDE).contains(n))
        .ok_or_else(|| OptionError::Side {
            option,
            value: value.to_owned(),
        })
}

/// An IANA time zone name (`Europe/Paris`, `Etc/GMT+2`, `UTC`) or
/// `browser`, as the Integration's schema takes them.
fn is_timezone(value: &str) -> bool {
    let mut chars = value.chars();
    value.len() <= MAX_TIMEZONE
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '/'))
        && !value.contains("//")
        && !value.ends_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> RenderOptions {
        RenderOptions::with(&RenderDefaults::default(), &[]).unwrap()
    }

    #[test]
    fn the_defaults_render_the_dashboard_s_time_range() {
        let options = options();
        assert_eq!(
            options.query(),
            [
                ("width".to_owned(), "1000".to_owned()),
                ("height".to_owned(), "500".to_owned()),
                ("theme".to_owned(), "dark".to_owned()),
            ]
        );
        assert_eq!(options.time_range(), "the dashboard's time range");
    }

    #[test]
    fn every_option_is_taken_and_sent() {
        let mut options = options();
        for (name, value) in [
            ("width", "800"),
            ("height", "4000"),
            ("theme", "Light"),
            ("timespan", "P1DT12H"),
            ("timezone", "Europe/Paris"),
        ] {
            options.set(name, value).unwrap();
        }
        let query = options.query();
        let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(
            [
                get("width"),
                get("height"),
                get("theme"),
                get("from"),
                get("to"),
                get("tz")
            ],
            [
                Some("800"),
                Some("4000"),
                Some("light"),
                Some("now-36h"),
                Some("now"),
                Some("Europe/Paris")
            ]
        );
        assert_eq!(options.time_range(), "the last 36h, in Europe/Paris");
    }

    #[test]
    fn a_bad_value_names_the_option_and_what_it_takes() {
        let mut options = options();
        for (name, value) in [
            ("width", "99"),
            ("width", "wide"),
            ("height", "4001"),
            ("height", "-5"),
        ] {
            assert_eq!(
                options.set(name, value).unwrap_err().to_string(),
                format!(
                    "`{name}={value}` is not allowed: {name} takes a whole number of pixels from 100 to 4000."
                )
            );
        }
        assert_eq!(
            options.set("theme", "blue").unwrap_err().to_string(),
            "`theme=blue` is not allowed: theme takes `dark` or `light`."
        );
        assert!(
            options
                .set("timespan", "yesterday")
                .unwrap_err()
                .to_string()
                .starts_with("`timespan=yesterday` is not allowed: timespan takes a Grafana span")
        );
        for zone in [
            "Europe Paris",
            "/etc/passwd",
            "Europe//Paris",
            "",
            "x".repeat(65).as_str(),
        ] {
            assert!(
                matches!(options.set("timezone", zone), Err(OptionError::Timezone(_))),
                "{zone:?}"
            );
        }
        assert_eq!(options, self::options(), "nothing taken from a bad value");
    }

    #[test]
    fn defaults_of_the_integration_are_taken_and_checked() {
        let defaults = RenderDefaults {
            width: 640,
            timespan: Some("P7D".to_owned()),
            timezone: Some("UTC".to_owned()),
            ..RenderDefaults::default()
        };
        let options = RenderOptions::with(&defaults, &[]).unwrap();
        assert_eq!(
            (options.width, options.time_range().as_str()),
            (640, "the last 7d, in UTC")
        );
        let broken = RenderDefaults {
            timespan: Some("forever".to_owned()),
            ..RenderDefaults::default()
        };
        assert_eq!(
            RenderOptions::with(&broken, &[]),
            Err(Rejected::Default(OptionError::Timespan("forever".to_owned())))
        );
        let typed = RenderOptions::with(&broken, &[("timespan", "1h")]).expect("the typed value replaces it");
        assert_eq!(typed.time_range(), "the last 1h");
        assert_eq!(
            RenderOptions::with(&broken, &[("theme", "pink")]),
            Err(Rejected::Typed(OptionError::Theme("pink".to_owned())))
        );
    }
}
