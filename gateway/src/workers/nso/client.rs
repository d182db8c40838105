//! NSO's RESTCONF API (RFC 8040) under `/restconf/data/tailf-ncs:devices`,
//! as the chat user.
//!
//! Every call carries the NSO login of the user it acts for, as HTTP Basic,
//! so NSO's own NACM rules decide what the person may read and run. Data is
//! read by `GET`; actions (`ping`, `check-sync`, `sync-to`, live-status
//! `exec`, …) are invoked by `POST`, their input as `{"input": …}` and their
//! output as `{"<module>:output": …}`, or `204 No Content` when there is none.
//! A refusal's words are NSO's `error-message`s of its `ietf-restconf:errors`.

use chatops_outbound::RetryPolicy;
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::error::NsoError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::Credential;

/// RESTCONF's JSON media type (RFC 8040 §11.3.2), asked for and sent.
pub const YANG_DATA_JSON: &str = "application/yang-data+json";

/// A client of one NSO.
#[derive(Clone, Debug)]
pub struct NsoClient {
    connection: Connection,
}

impl NsoClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, NsoError> {
        Ok(Self {
            connection: settings.connect()?,
        })
    }

    /// The URL of `path` under `/restconf/data/tailf-ncs:devices`, each
    /// segment percent-encoded (a device's name is a list key, RFC 8040 §3.5.3).
    fn url(&self, path: &[&str], query: Option<&str>) -> Result<Url, NsoError> {
        let mut url = self.connection.endpoint.clone();
        url.path_segments_mut()
            .map_err(|()| NsoError::Malformed("the endpoint cannot carry a path".to_owned()))?
            .pop_if_empty()
            .extend(["restconf", "data", "tailf-ncs:devices"])
            .extend(path);
        url.set_query(query);
        Ok(url)
    }

    /// Reads the data node at `path` (`object` names it in a refusal); an
    /// empty answer (204) as `null`.
    pub async fn get(
        &self,
        who: &Credential,
        path: &[&str],
        query: Option<&str>,
        object: &str,
    ) -> Result<Value, NsoError> {
        let url = self.url(path, query)?;
        Ok(self
            .request(who, Method::GET, url, None, "view", object)
            .await?
            .unwrap_or(Value::Null))
    }

    /// Invokes the action at `path` with `input`: its output (the member of
    /// `{"<module>:output": …}`), `None` when NSO answers it has none.
    pub async fn post(
        &self,
        who: &Credential,
        path: &[&str],
        input: Option<&Value>,
        object: &str,
    ) -> Result<Option<Value>, NsoError> {
        let url = self.url(path, None)?;
        let Some(answer) = self.request(who, Method::POST, url, input, "run", object).await? else {
            return Ok(None);
        };
        output_of(&answer)
            .cloned()
            .map(Some)
            .ok_or_else(|| NsoError::Malformed(format!("{object}: no output in the answer")))
    }

    /// Sends `body` by `method` to `url` as `who`: the answer's JSON, `None`
    /// for 204. A refusal is said as `who` may not `action` `object`.
    async fn request(
        &self,
        who: &Credential,
        method: Method,
        url: Url,
        body: Option<&Value>,
        action: &str,
        object: &str,
    ) -> Result<Option<Value>, NsoError> {
        let mut request = self
            .connection
            .http
            .request(method, url)
            .header("Accept", YANG_DATA_JSON);
        request = who.authorize(request);
        if let Some(body) = body {
            request = request
                .header("Content-Type", YANG_DATA_JSON)
                .body(body.to_string());
        }
        // Actions change state (sync-to): never sent twice.
        let policy = RetryPolicy::single_attempt();
        let answer = self.connection.send("nso", request, &policy).await?;
        if answer.status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        NsoError::read_answer(
            &answer,
            (&who.user, who.linked),
            action,
            object.to_owned(),
            reason,
        )
        .map(Some)
    }
}

/// An action's output: the member `<module>:output` (or `output`) of the answer.
pub fn output_of(answer: &Value) -> Option<&Value> {
    answer
        .as_object()?
        .iter()
        .find(|(key, _)| key.rsplit(':').next() == Some("output"))
        .map(|(_, output)| output)
}

/// Why NSO refused: the `error-message`s of its `ietf-restconf:errors`
/// (RFC 8040 §7.1), else their `error-tag`s.
pub fn reason(answer: &Value) -> Option<String> {
    let errors = answer.get("ietf-restconf:errors")?.get("error")?.as_array()?;
    let said: Vec<&str> = errors
        .iter()
        .filter_map(|error| {
            error
                .get("error-message")
                .or_else(|| error.get("error-tag"))
                .and_then(Value::as_str)
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_refusal_reads_nsos_error_messages_else_their_tags() {
        let errors = json!({"ietf-restconf:errors": {"error": [
            {"error-type": "application", "error-tag": "operation-failed", "error-message": "Device x is southbound locked"},
            {"error-type": "protocol", "error-tag": "access-denied"}
        ]}});
        assert_eq!(
            reason(&errors).as_deref(),
            Some("Device x is southbound locked; access-denied")
        );
        assert_eq!(reason(&json!({"errors": []})), None);
    }

    #[test]
    fn an_output_is_found_under_its_module() {
        let answer = json!({"tailf-ned-cisco-ios-xr-stats:output": {"result": "ok"}});
        assert_eq!(output_of(&answer), Some(&json!({"result": "ok"})));
        assert_eq!(output_of(&json!({"result": "ok"})), None);
    }

    #[test]
    fn device_names_are_percent_encoded_as_list_keys() {
        let client = NsoClient::new(&ClientSettings {
            endpoint: "https://nso.example.com:8888/".to_owned(),
            timeout: Duration::from_secs(1),
            ca_bundle_pem: None,
            insecure_skip_verify: false,
        })
        .unwrap();
        let url = client.url(&["device=a/b c", "ping"], None).unwrap();
        assert_eq!(
            url.as_str(),
            "https://nso.example.com:8888/restconf/data/tailf-ncs:devices/device=a%2Fb%20c/ping"
        );
    }
}
