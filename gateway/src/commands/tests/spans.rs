//! The `command` span: what it names, and that the arguments stay out of it.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

use super::fixtures::*;
use crate::commands::Outcome;

/// The fields of every `command` span, as `name=value`, in the order they were set.
#[derive(Clone, Default)]
struct CommandSpans(Arc<Mutex<Vec<String>>>);

impl Visit for CommandSpans {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let mut fields = self.0.lock().unwrap();
        fields.push(format!("{}={value:?}", field.name()));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let mut fields = self.0.lock().unwrap();
        fields.push(format!("{}={value}", field.name()));
    }
}

impl<S: tracing::Subscriber> Layer<S> for CommandSpans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() == "command" {
            attrs.record(&mut self.clone());
        }
    }

    fn on_record(&self, _id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        values.record(&mut self.clone());
    }
}

#[tokio::test]
async fn a_routed_command_runs_in_a_span_with_its_outcome_and_without_its_arguments() {
    let spans = CommandSpans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let fixture = Fixture::new();
    let routed = fixture.typed(ADMIN1, "network redeploy secret-ams01").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);

    let fields = spans.0.lock().unwrap().clone();
    assert_eq!(
        fields,
        [
            "command=network",
            "subcommand=redeploy",
            &format!("platform={PLATFORM}"),
            "outcome=succeeded"
        ]
    );
    assert!(!fields.iter().any(|f| f.contains("secret")), "{fields:?}");
}
