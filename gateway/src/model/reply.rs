//! What a command answers: a message, or a prompt for what is missing.

/// A command's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Something to show.
    Message(Message),
    /// A question: pick from a menu, or fill in a form.
    Prompt(Prompt),
}

/// How a message should look: plain, or flagged as a warning or an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    /// An ordinary answer.
    #[default]
    Info,
    /// Something the user should notice (a partial answer, a truncated list).
    Warning,
    /// The command failed or was refused.
    Error,
}

/// A message: a title and blocks of content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    /// Plain, warning or error.
    pub level: Level,
    /// A short heading, e.g. the command that was run.
    pub title: Option<String>,
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// Show it only to the user who asked (ephemeral), whatever the platform's default.
    pub private: bool,
}

impl Message {
    /// A message of one text block.
    pub fn text(level: Level, text: impl Into<String>) -> Self {
        Message {
            level,
            blocks: vec![Block::Text(text.into())],
            ..Default::default()
        }
    }

    /// The same message, shown only to the user who asked.
    pub fn privately(mut self) -> Self {
        self.private = true;
        self
    }

    /// The same message, with a title.
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// One piece of a message's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Text with light markup: `**bold**`, `` `code` ``, `[label](url)`, and line breaks.
    /// Each platform converts it to its own dialect.
    Text(String),
    /// Preformatted text, shown in a monospace block.
    Code(String),
    /// A table; a platform shows it inline when it fits its limits and as a file when it does not.
    Table(Table),
    /// A picture (e.g. a Grafana panel).
    Image(Image),
    /// A text file (e.g. a long device output): uploaded where the platform
    /// takes files, shown as preformatted text where it does not.
    File(TextFile),
    /// A file of bytes (a packet capture): uploaded where the platform takes
    /// files; where it does not, the message says the file could not be sent.
    Data(DataFile),
}

/// A table of text cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// What the table shows; also the file name stem when it is attached.
    pub title: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, each as long as `columns`.
    pub rows: Vec<Vec<String>>,
}

/// An image, uploaded by the dispatcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The file name, e.g. `interfaces.png`.
    pub file_name: String,
    /// Text for people who cannot see it.
    pub alt_text: String,
    /// The encoded image (PNG).
    pub bytes: Vec<u8>,
}

/// A text file, uploaded by the dispatcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    /// The file name, e.g. `nyc-rtr01-version.txt`.
    pub file_name: String,
    /// What it holds, shown beside it.
    pub title: String,
    /// The content.
    pub text: String,
}

/// A file of bytes that is not text, uploaded by the dispatcher.
#[derive(Clone, PartialEq, Eq)]
pub struct DataFile {
    /// The file name, e.g. `fw-ams-01.pcap`.
    pub file_name: String,
    /// What it holds, shown beside it.
    pub title: String,
    /// Its media type, e.g. `application/vnd.tcpdump.pcap`.
    pub media_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for DataFile {
    // The bytes are binary: their length says enough in logs and test failures.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFile")
            .field("file_name", &self.file_name)
            .field("title", &self.title)
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A question for the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Prompt {
    /// Pick one value for the next argument.
    Menu(Menu),
    /// Fill in several values at once.
    Form(Form),
}

/// A menu: pick one choice, which becomes the next argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    /// The question, e.g. "Which device?".
    pub text: String,
    /// The choices of this page.
    pub choices: Vec<Choice>,
    /// Offset of the next page, when there are more choices than one page holds.
    pub next_offset: Option<usize>,
    /// The signed continuation the answer resumes (see [`crate::model::Continuation`]).
    pub continuation: String,
}

/// One choice of a menu: what the user sees, and the argument it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What the user sees: a name, never a UUID.
    pub label: String,
    /// The argument it becomes.
    pub value: String,
}

impl Choice {
    /// A choice whose label is its value.
    pub fn same(value: impl Into<String>) -> Self {
        let value = value.into();
        Choice {
            label: value.clone(),
            value,
        }
    }
}

/// A form: several fields at once, which become the next arguments in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// The form's title.
    pub title: String,
    /// The fields, in argument order.
    pub fields: Vec<Field>,
    /// The signed continuation the answers resume.
    pub continuation: String,
}

impl Form {
    /// Each field as `render` writes it from its index and itself, in order;
    /// the first error stops it. The platforms name a field's input by its
    /// index, so that the answers come back in argument order.
    pub fn render_fields<T, E>(&self, render: impl Fn(usize, &Field) -> Result<T, E>) -> Result<Vec<T>, E> {
        self.fields
            .iter()
            .enumerate()
            .map(|(index, field)| render(index, field))
            .collect()
    }
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's label.
    pub label: String,
    /// Free text or a choice.
    pub kind: FieldKind,
    /// The value shown at first.
    pub default: Option<String>,
    /// Whether it may be left empty.
    pub optional: bool,
}

impl Field {
    /// A required field of `kind` labelled `label`, empty at first.
    pub fn new(label: impl Into<String>, kind: FieldKind) -> Field {
        Field {
            label: label.into(),
            kind,
            default: None,
            optional: false,
        }
    }

    /// The same field, showing `default` at first.
    #[must_use]
    pub fn with_default(self, default: impl Into<String>) -> Field {
        Field {
            default: Some(default.into()),
            ..self
        }
    }

    /// The same field, which may be left empty.
    #[must_use]
    pub fn optional(self) -> Field {
        Field {
            optional: true,
            ..self
        }
    }
}

/// What kind of input a field takes.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// One of these choices.
    Select(Vec<Choice>),
}
