//! The capability gate: the only way a plugin reaches the network.
//!
//! A plugin asks for a URL through `http-get`; the gate decides. A request
//! goes out only when its host is both **declared** by the plugin in
//! `describe()` and **granted** by the operator for that source (the same
//! two-key rule Zed applies to extension capabilities): a plugin cannot widen
//! its reach by config, and an operator cannot hand a plugin a host it never
//! said it needed. Redirects are followed by the gate, hop by hop, and every
//! hop passes the same check — otherwise a granted host could bounce the
//! plugin anywhere.
//!
//! On top of the allow-lists the gate is polite and bounded: it honours
//! robots.txt (RFC 9309: a 4xx robots.txt allows everything, an unreachable
//! or 5xx one disallows everything), spaces requests to each host by the
//! source's rate limit and by any `Retry-After` the host sent, caps response
//! bodies (checked against `Content-Length` first, then while streaming) and
//! times requests out.
//!
//! Every request — allowed or denied — is written to the audit log through an
//! [`AuditSink`]: source, plugin, host, path (never the query string, which
//! can carry user names), status, bytes, milliseconds and the decision.
//!
//! The gate is also the one place that sees *why* a plugin's call went
//! wrong. Plugins answer a 429 or 5xx in their own way — the built-in ones
//! end the batch early and keep their cursor, others return an `http` error
//! — so the ingestion loop cannot tell a struggling site from a finished
//! source by the plugin's answer alone. The gate therefore notes every
//! transient failure (429, 5xx, timeout, connection failure) against the
//! run that caused it, and ingestion asks for it with
//! [`HttpGate::take_transient`] after each call to decide whether to retry.
//!
//! Robots rules are cached per host for a day (RFC 9309 §2.4 asks for no
//! more), and a disallow-all that came from an unreachable or failing
//! robots.txt for only a minute, so that a daemon running for months picks
//! up a changed robots.txt and a brief outage does not lock a site out.
//! With a state store ([`HttpGate::with_state`]) the day-long cache is also
//! kept there, so a restarted daemon or the next `hearken run` within the
//! day does not fetch robots.txt again. (A robots.txt is the site's public
//! crawling policy, not anything a patient wrote, so storing it is fine.)
//!
//! # Conditional requests, and why the gate caches no bodies
//!
//! With a state store, a request made during an ingestion run carries the
//! `If-None-Match` / `If-Modified-Since` validators that the *same source*
//! stored for the URL, and the site can answer `304 Not Modified` with an
//! empty body. The gate could turn that 304 back into a 200 by replaying a
//! cached body — but the bodies are forum threads and posts: raw,
//! pre-de-identification patient text, which Hearken never stores. So the
//! gate caches only the validators (opaque `ETag` / `Last-Modified` header
//! values, under a hash of source and URL) and hands the plugin the `304`
//! itself. The contract allows it (`http-get` says the host may add
//! conditional headers, and a response carries its status), and the SDK
//! treats a 304 as a response meaning "unchanged": the built-in plugins
//! skip such a page, yielding no records, which is exactly right, since its
//! documents were indexed when its validators were stored. An unchanged
//! page thus costs one small response and no parsing, no pipeline and no
//! index write.
//!
//! That last clause is what keeps exactly-once intact: a validator must
//! never be stored for a page whose documents are not committed, or a crash
//! in between would have the re-fetch answered `304` and the page lost for
//! good. The gate therefore only *stages* the validators of each response,
//! per run ([`HttpGate::take_validators`]); ingestion keeps those of the
//! `fetch` calls it accepted and stores them in the same state-store
//! transaction that moves the cursor past those pages
//! ([`hearken_state::StateStore::commit_cursor_and_validators`]), and drops
//! those of a call it retries or fails. Validators are kept per source
//! because each source has its own cursor: one source's 304 must not make
//! another skip a page it has never indexed. A plugin that sends
//! validators of its own is left alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hearken_state::{StateStore, Validators};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use url::Url;

use super::bindings::{HttpError, HttpResponse};

/// The user agent Hearken sends, and matches in robots.txt.
pub const USER_AGENT: &str = concat!(
    "Hearken/",
    env!("CARGO_PKG_VERSION"),
    " (+patient-insight research crawler)"
);
/// The robots.txt product token.
const ROBOTS_AGENT: &str = "Hearken";
/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// What the operator allows one source's plugin on the network.
#[derive(Debug, Clone)]
pub struct NetworkPolicy {
    /// Hosts the operator grants (`host`, `host:port`, or `*.domain`).
    pub granted: Vec<String>,
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: u64,
    /// Time allowed for one request, connection to last byte.
    pub timeout: Duration,
    /// Least time between two requests to the same host.
    pub min_interval: Duration,
    /// Whether robots.txt is fetched and obeyed.
    pub obey_robots: bool,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        Self {
            granted: Vec::new(),
            max_response_bytes: 8 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            min_interval: Duration::from_millis(0),
            obey_robots: true,
        }
    }
}

/// Who is asking: the source and the plugin behind a request.
#[derive(Debug, Clone)]
pub struct Requester {
    /// The configured source name.
    pub source: String,
    /// The plugin's name.
    pub plugin: String,
    /// The hosts the plugin declared in `describe()`.
    pub declared: Vec<String>,
    /// The ingestion run, when there is one.
    pub run_id: Option<String>,
}

/// Whether the gate let a request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The request was made.
    Allowed,
    /// The request was refused before it left the machine.
    Denied,
}

impl Decision {
    /// `allowed` or `denied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "denied",
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// The ingestion run, if any.
    pub run_id: Option<String>,
    /// The configured source name.
    pub source: String,
    /// The plugin's name.
    pub plugin: String,
    /// Host (and port, if not the scheme's default).
    pub host: String,
    /// URL path, without query string or fragment.
    pub path: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Body bytes received.
    pub bytes: u64,
    /// Wall time of the request.
    pub millis: u64,
    /// Allowed or denied.
    pub decision: Decision,
    /// Why it was denied or failed, in the gate's words (never response text).
    pub reason: Option<String>,
}

/// Where audit entries go. The state store implements it; tests collect
/// entries in memory.
pub trait AuditSink: Send + Sync {
    /// Append one entry. Failing to audit is logged, never fatal to a fetch:
    /// the entry is also written to the tracing log.
    fn record(&self, entry: AuditEntry);

    /// Return once every entry recorded before this call is stored. A sink
    /// that stores as it records has nothing to do.
    fn flush(&self) {}
}

/// An audit sink that keeps entries in memory (tests, `plugin check`).
#[derive(Debug, Default)]
pub struct MemoryAudit {
    entries: Mutex<Vec<AuditEntry>>,
}

impl MemoryAudit {
    /// Everything recorded so far.
    pub fn entries(&self) -> Vec<AuditEntry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl AuditSink for MemoryAudit {
    fn record(&self, entry: AuditEntry) {
        if let Ok(mut e) = self.entries.lock() {
            e.push(entry);
        }
    }
}

/// How long parsed robots rules (or a 4xx "allow all") are trusted.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a disallow-all caused by a failing robots.txt is kept.
const ROBOTS_FAILURE_TTL: Duration = Duration::from_secs(60);

#[derive(Default)]
struct HostSlot {
    next_allowed: Option<Instant>,
    /// The rules and when they stop being trusted.
    robots: Option<(Arc<RobotsRules>, Instant)>,
}

/// A transient failure the gate saw on behalf of a run: the site answered
/// 429 or 5xx, or a request timed out or could not connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transient {
    /// Host (and port) that failed.
    pub host: String,
    /// URL path of the failing request (no query string).
    pub path: String,
    /// The status, when a response arrived.
    pub status: Option<u16>,
    /// What went wrong, in the gate's words (`answered HTTP 503`, `timed
    /// out`); never response text.
    pub what: String,
    /// The longest `Retry-After` the host asked for since the last
    /// [`HttpGate::take_transient`].
    pub retry_after: Option<Duration>,
    /// How many transient failures were seen since the last take.
    pub count: u32,
}

impl std::fmt::Display for Transient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{} {}", self.host, self.path, self.what)?;
        if let Some(wait) = self.retry_after {
            write!(f, " with Retry-After {} s", wait.as_secs())?;
        }
        Ok(())
    }
}

enum RobotsRules {
    AllowAll,
    DisallowAll(String),
    Rules(texting_robots::Robot),
}

/// The gate. One per process, shared by all sources: rate limits and robots
/// rules are per host, whichever source asks.
pub struct HttpGate {
    client: reqwest::Client,
    hosts: tokio::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<HostSlot>>>>,
    audit: Arc<dyn AuditSink>,
    /// Transient failures by run id, until ingestion takes them.
    transients: Mutex<HashMap<String, Transient>>,
    /// Where validators and robots.txt are kept across processes; `None`
    /// (e.g. `plugin check`): no conditional requests, robots.txt cached in
    /// memory only.
    state: Option<StateStore>,
    /// Validators of the responses seen by each run, by run id, until
    /// ingestion takes them (see the module docs).
    staged: Mutex<HashMap<String, Vec<(String, Validators)>>>,
}

impl std::fmt::Debug for HttpGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGate").finish_non_exhaustive()
    }
}

/// Errors building the gate.
#[derive(Debug, thiserror::Error)]
#[error("could not set up the HTTP client: {0}")]
pub struct GateError(#[from] reqwest::Error);

impl HttpGate {
    /// A gate that audits into `audit`.
    pub fn new(audit: Arc<dyn AuditSink>) -> Result<Self, GateError> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            client,
            hosts: tokio::sync::Mutex::new(HashMap::new()),
            audit,
            transients: Mutex::new(HashMap::new()),
            state: None,
            staged: Mutex::new(HashMap::new()),
        })
    }

    /// Keep HTTP validators and robots.txt in `state`: requests made during
    /// a run become conditional, and robots.txt survives a restart (see the
    /// module docs).
    pub fn with_state(mut self, state: StateStore) -> Self {
        self.state = Some(state);
        self
    }

    /// The validators of the responses `run_id` received since the last
    /// call, as `(url, validators)` in the order received, and forgets
    /// them. Validators with neither field set mean "forget this URL's".
    pub fn take_validators(&self, run_id: &str) -> Vec<(String, Validators)> {
        self.staged
            .lock()
            .ok()
            .and_then(|mut s| s.remove(run_id))
            .unwrap_or_default()
    }

    fn stage_validators(&self, run_id: &str, url: &Url, validators: Validators) {
        if let Ok(mut staged) = self.staged.lock() {
            staged
                .entry(run_id.to_string())
                .or_default()
                .push((url.as_str().to_string(), validators));
        }
    }

    /// The request headers with the source's stored validators added, when
    /// this request is conditional (`Some(run id)`); `None` otherwise.
    fn conditional_headers(
        &self,
        who: &Requester,
        url: &Url,
        headers: &HeaderMap,
    ) -> Option<(String, HeaderMap)> {
        let state = self.state.as_ref()?;
        let run = who.run_id.clone()?;
        if headers.contains_key(IF_NONE_MATCH) || headers.contains_key(IF_MODIFIED_SINCE) {
            // The plugin manages validators itself.
            return None;
        }
        let mut headers = headers.clone();
        match state.conditional(&who.source, url.as_str()) {
            Ok(Some(v)) => {
                let add = |h: &mut HeaderMap, name, value: Option<String>| {
                    if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                        h.insert(name, value);
                    }
                };
                add(&mut headers, IF_NONE_MATCH, v.etag);
                add(&mut headers, IF_MODIFIED_SINCE, v.last_modified);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(
                source = %who.source,
                "could not read HTTP validators; the request goes out unconditional: {e}"
            ),
        }
        Some((run, headers))
    }

    /// The transient failures seen for `run_id` since the last call (the
    /// latest one, with the longest `Retry-After` and the count), and
    /// forgets them.
    pub fn take_transient(&self, run_id: &str) -> Option<Transient> {
        self.transients
            .lock()
            .ok()
            .and_then(|mut t| t.remove(run_id))
    }

    fn note_transient(&self, who: &Requester, mut seen: Transient) {
        let Some(run) = &who.run_id else { return };
        let Ok(mut all) = self.transients.lock() else {
            return;
        };
        if let Some(before) = all.get(run) {
            seen.count += before.count;
            seen.retry_after = seen.retry_after.max(before.retry_after);
        }
        all.insert(run.clone(), seen);
    }

    /// Return once the audit entries of every request so far are stored
    /// (see [`AuditSink::flush`]).
    pub fn flush_audit(&self) {
        self.audit.flush();
    }

    /// GET `url` on behalf of `who`, under `policy`.
    pub async fn get(
        &self,
        who: &Requester,
        policy: &NetworkPolicy,
        url: &str,
        headers: &[(String, String)],
    ) -> Result<HttpResponse, HttpError> {
        let mut current = Url::parse(url).map_err(|e| HttpError::InvalidUrl(format!("{e}")))?;
        let request_headers = build_headers(headers)?;
        for _hop in 0..=MAX_REDIRECTS {
            let resp = self
                .one_request(who, policy, &current, &request_headers)
                .await?;
            if (300..400).contains(&resp.status)
                && let Some(location) = header(&resp.headers, "location")
            {
                current = current
                    .join(location)
                    .map_err(|e| HttpError::InvalidUrl(format!("redirect location: {e}")))?;
                continue;
            }
            return Ok(resp);
        }
        Err(HttpError::Transport(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    async fn one_request(
        &self,
        who: &Requester,
        policy: &NetworkPolicy,
        url: &Url,
        headers: &HeaderMap,
    ) -> Result<HttpResponse, HttpError> {
        let host_key =
            host_key(url).ok_or_else(|| HttpError::InvalidUrl("URL has no host".into()))?;
        if let Err(reason) =
            check_access(url, &host_key, &who.declared, &policy.granted, &who.plugin)
        {
            self.audit_denied(who, url, &host_key, &reason);
            return Err(HttpError::Denied(reason));
        }
        let slot = self.slot(&host_key).await;
        let mut slot = slot.lock().await;
        if policy.obey_robots && url.path() != "/robots.txt" {
            let now = Instant::now();
            let rules = match &slot.robots {
                Some((r, until)) if *until > now => r.clone(),
                _ => {
                    let (r, ttl) = match self.stored_robots(&host_key) {
                        Some(stored) => stored,
                        None => {
                            let r = self.fetch_robots(who, policy, url, &host_key).await;
                            let ttl = match r {
                                RobotsRules::DisallowAll(_) => ROBOTS_FAILURE_TTL,
                                _ => ROBOTS_TTL,
                            };
                            (r, ttl)
                        }
                    };
                    let r = Arc::new(r);
                    slot.robots = Some((r.clone(), now + ttl));
                    r
                }
            };
            let denied = match rules.as_ref() {
                RobotsRules::AllowAll => None,
                RobotsRules::DisallowAll(why) => Some(why.clone()),
                RobotsRules::Rules(robot) => (!robot.allowed(url.as_str()))
                    .then(|| format!("robots.txt of {host_key} disallows {}", url.path())),
            };
            if let Some(reason) = denied {
                self.audit_denied(who, url, &host_key, &reason);
                return Err(HttpError::Denied(reason));
            }
        }
        // Only a wait still ahead goes to the timer: a deadline already past
        // (every request when `min_interval` is 0) would otherwise wait for
        // the timer's next millisecond tick, which on a busy runtime is a
        // whole tick per request.
        if let Some(at) = slot.next_allowed.filter(|at| *at > Instant::now()) {
            tokio::time::sleep_until(at.into()).await;
        }
        let conditional = self.conditional_headers(who, url, headers);
        let started = Instant::now();
        let result = self
            .send(
                policy,
                url,
                conditional.as_ref().map_or(headers, |(_, h)| h),
            )
            .await;
        let millis = started.elapsed().as_millis() as u64;
        let mut next = Instant::now() + policy.min_interval;
        let entry = |status, bytes, decision, reason| AuditEntry {
            run_id: who.run_id.clone(),
            source: who.source.clone(),
            plugin: who.plugin.clone(),
            host: host_key.clone(),
            path: url.path().to_string(),
            status,
            bytes,
            millis,
            decision,
            reason,
        };
        match result {
            Ok(resp) => {
                let wait = retry_after(&resp);
                if let Some(wait) = wait {
                    next = next.max(Instant::now() + wait);
                }
                slot.next_allowed = Some(next);
                if resp.status == 429 || (500..600).contains(&resp.status) {
                    self.note_transient(
                        who,
                        Transient {
                            host: host_key.clone(),
                            path: url.path().to_string(),
                            status: Some(resp.status),
                            what: format!("answered HTTP {}", resp.status),
                            retry_after: wait,
                            count: 1,
                        },
                    );
                }
                if let Some((run, _)) = &conditional {
                    let validators = Validators {
                        etag: header(&resp.headers, "etag").map(str::to_string),
                        last_modified: header(&resp.headers, "last-modified").map(str::to_string),
                    };
                    let fresh = validators.etag.is_some() || validators.last_modified.is_some();
                    // A 200 replaces (or, without validators, forgets) what
                    // was stored; a 304 keeps it unless it sends new ones.
                    if resp.status == 200 || (resp.status == 304 && fresh) {
                        self.stage_validators(run, url, validators);
                    }
                }
                self.audit.record(entry(
                    Some(resp.status),
                    resp.body.len() as u64,
                    Decision::Allowed,
                    None,
                ));
                Ok(resp)
            }
            Err((err, status, bytes)) => {
                slot.next_allowed = Some(next);
                if matches!(err, HttpError::Timeout | HttpError::Transport(_)) {
                    self.note_transient(
                        who,
                        Transient {
                            host: host_key.clone(),
                            path: url.path().to_string(),
                            status,
                            what: describe_error(&err),
                            retry_after: None,
                            count: 1,
                        },
                    );
                }
                self.audit.record(entry(
                    status,
                    bytes,
                    Decision::Allowed,
                    Some(describe_error(&err)),
                ));
                Err(err)
            }
        }
    }

    async fn send(
        &self,
        policy: &NetworkPolicy,
        url: &Url,
        headers: &HeaderMap,
    ) -> Result<HttpResponse, (HttpError, Option<u16>, u64)> {
        let deadline = Instant::now() + policy.timeout;
        let request = self
            .client
            .get(url.clone())
            .headers(headers.clone())
            .timeout(policy.timeout);
        let mut resp = request
            .send()
            .await
            .map_err(|e| (transport_error(&e), None, 0))?;
        let status = resp.status().as_u16();
        if let Some(len) = resp.content_length()
            && len > policy.max_response_bytes
        {
            return Err((
                HttpError::TooLarge(policy.max_response_bytes),
                Some(status),
                0,
            ));
        }
        let response_headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        let final_url = resp.url().to_string();
        let mut body = Vec::new();
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let chunk = match tokio::time::timeout(remaining, resp.chunk()).await {
                Err(_) => return Err((HttpError::Timeout, Some(status), body.len() as u64)),
                Ok(Err(e)) => return Err((transport_error(&e), Some(status), body.len() as u64)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            if body.len() as u64 + chunk.len() as u64 > policy.max_response_bytes {
                return Err((
                    HttpError::TooLarge(policy.max_response_bytes),
                    Some(status),
                    body.len() as u64,
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            url: final_url,
            headers: response_headers,
            body,
        })
    }

    async fn slot(&self, host: &str) -> Arc<tokio::sync::Mutex<HostSlot>> {
        let mut hosts = self.hosts.lock().await;
        hosts.entry(host.to_string()).or_default().clone()
    }

    async fn fetch_robots(
        &self,
        who: &Requester,
        policy: &NetworkPolicy,
        url: &Url,
        host_key: &str,
    ) -> RobotsRules {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let started = Instant::now();
        let result = self.send(policy, &robots_url, &HeaderMap::new()).await;
        let millis = started.elapsed().as_millis() as u64;
        // What to keep in the state store: the body the rules were parsed
        // from ("" for "allow all"); nothing for a failure, which is only
        // trusted for a minute.
        let mut keep: Option<String> = None;
        let (rules, status, bytes, reason) = match result {
            Ok(resp) if (200..300).contains(&resp.status) => {
                let len = resp.body.len() as u64;
                let text = robots_text(&resp.body);
                let rules = parse_robots(&text);
                let unparseable = matches!(rules, RobotsRules::AllowAll) && !text.trim().is_empty();
                let reason =
                    unparseable.then(|| "robots.txt unparseable; allowing all".to_string());
                keep = Some(if unparseable { String::new() } else { text });
                (rules, Some(resp.status), len, reason)
            }
            Ok(resp) if (400..500).contains(&resp.status) => {
                keep = Some(String::new());
                (
                    RobotsRules::AllowAll,
                    Some(resp.status),
                    resp.body.len() as u64,
                    None,
                )
            }
            Ok(resp) => (
                RobotsRules::DisallowAll(format!(
                    "robots.txt of {host_key} answered {}; disallowing all (RFC 9309)",
                    resp.status
                )),
                Some(resp.status),
                resp.body.len() as u64,
                None,
            ),
            Err((err, status, bytes)) => (
                RobotsRules::DisallowAll(format!(
                    "robots.txt of {host_key} unreachable ({}); disallowing all (RFC 9309)",
                    describe_error(&err)
                )),
                status,
                bytes,
                Some(describe_error(&err)),
            ),
        };
        self.audit.record(AuditEntry {
            run_id: who.run_id.clone(),
            source: who.source.clone(),
            plugin: who.plugin.clone(),
            host: host_key.to_string(),
            path: "/robots.txt".into(),
            status,
            bytes,
            millis,
            decision: Decision::Allowed,
            reason,
        });
        if let (Some(body), Some(state)) = (keep, &self.state)
            && let Err(e) = state.store_robots(host_key, &body)
        {
            tracing::warn!(host = host_key, "could not cache robots.txt: {e}");
        }
        rules
    }

    /// The robots rules of `host` from the state store and how much longer
    /// they may be trusted, if they were fetched less than a day ago.
    fn stored_robots(&self, host: &str) -> Option<(RobotsRules, Duration)> {
        let state = self.state.as_ref()?;
        let (body, fetched_ms) = match state.robots(host) {
            Ok(found) => found?,
            Err(e) => {
                tracing::warn!(host, "could not read the robots.txt cache: {e}");
                return None;
            }
        };
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .ok()?;
        let age = Duration::from_millis(u64::try_from(now_ms - fetched_ms).ok()?);
        let left = ROBOTS_TTL.checked_sub(age).filter(|d| !d.is_zero())?;
        Some((parse_robots(&body), left))
    }

    fn audit_denied(&self, who: &Requester, url: &Url, host_key: &str, reason: &str) {
        tracing::warn!(source = %who.source, plugin = %who.plugin, host = %host_key, path = %url.path(), "request denied: {reason}");
        self.audit.record(AuditEntry {
            run_id: who.run_id.clone(),
            source: who.source.clone(),
            plugin: who.plugin.clone(),
            host: host_key.to_string(),
            path: url.path().to_string(),
            status: None,
            bytes: 0,
            millis: 0,
            decision: Decision::Denied,
            reason: Some(reason.to_string()),
        });
    }
}

/// A robots.txt body as text, cut to what the state store keeps (and what
/// Google reads: the first 500 KiB), on a character boundary.
fn robots_text(body: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    if text.len() > hearken_state::MAX_ROBOTS_BYTES {
        let cut = text.floor_char_boundary(hearken_state::MAX_ROBOTS_BYTES);
        text.truncate(cut);
    }
    text
}

/// Rules from a robots.txt body. An empty or unparseable one allows all, as
/// RFC 9309 §2.2.1 asks of parsers.
fn parse_robots(text: &str) -> RobotsRules {
    if text.trim().is_empty() {
        return RobotsRules::AllowAll;
    }
    match texting_robots::Robot::new(ROBOTS_AGENT, text.as_bytes()) {
        Ok(robot) => RobotsRules::Rules(robot),
        Err(_) => RobotsRules::AllowAll,
    }
}

/// `host` or `host:port` (when the port is not the scheme's default).
fn host_key(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether `pattern` (from a declaration or a grant) covers the URL's host.
///
/// `*` covers every host; `*.example.org` covers its subdomains (not the
/// apex); `host:port` covers that port only; a bare `host` covers any port.
pub fn host_matches(pattern: &str, url: &Url) -> bool {
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    let pattern = pattern.trim().to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    if let Some(domain) = pattern.strip_prefix("*.") {
        return host.ends_with(&format!(".{domain}"));
    }
    let (pattern_host, pattern_port) = split_host_port(&pattern);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    pattern_host == host && pattern_port.is_none_or(|p| Some(p) == url.port_or_known_default())
}

/// `host`, `host:port`, `[v6]` or `[v6]:port` → (host without brackets, port).
fn split_host_port(pattern: &str) -> (&str, Option<u16>) {
    if let Some(rest) = pattern.strip_prefix('[') {
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (host, after.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match pattern.split_once(':') {
        Some((host, port)) if !port.contains(':') => (host, port.parse().ok()),
        _ => (pattern, None),
    }
}

/// The two-key rule. Returns the reason for a denial.
fn check_access(
    url: &Url,
    host_key: &str,
    declared: &[String],
    granted: &[String],
    plugin: &str,
) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "scheme `{}` is not allowed; only http and https",
            url.scheme()
        ));
    }
    if !declared.iter().any(|p| host_matches(p, url)) {
        return Err(format!(
            "host {host_key} is not declared by plugin `{plugin}` (it declares: {})",
            list(declared)
        ));
    }
    if !granted.iter().any(|p| host_matches(p, url)) {
        return Err(format!(
            "host {host_key} is not granted to this source by the operator (granted: {})",
            list(granted)
        ));
    }
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn build_headers(headers: &[(String, String)]) -> Result<HeaderMap, HttpError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| HttpError::InvalidUrl(format!("invalid request header name `{name}`")))?;
        if matches!(
            name.as_str(),
            "host" | "cookie" | "authorization" | "proxy-authorization"
        ) {
            return Err(HttpError::Denied(format!(
                "plugins may not set the `{name}` header"
            )));
        }
        let value = HeaderValue::from_str(value).map_err(|_| {
            HttpError::InvalidUrl(format!("invalid value for request header `{name}`"))
        })?;
        map.append(name, value);
    }
    Ok(map)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `Retry-After` on a 429 or 503, in seconds (HTTP dates are rare for these
/// and are treated as one minute).
fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    if resp.status != 429 && resp.status != 503 {
        return None;
    }
    let value = header(&resp.headers, "retry-after")?;
    let secs = value.trim().parse::<u64>().unwrap_or(60).min(3600);
    Some(Duration::from_secs(secs))
}

fn transport_error(e: &reqwest::Error) -> HttpError {
    if e.is_timeout() {
        HttpError::Timeout
    } else if e.is_connect() {
        HttpError::Transport("could not connect".into())
    } else {
        HttpError::Transport(format!("{e}"))
    }
}

/// A short description of an HTTP error for the audit log and messages.
pub fn describe_error(e: &HttpError) -> String {
    match e {
        HttpError::Denied(why) => format!("denied: {why}"),
        HttpError::InvalidUrl(why) => format!("invalid URL: {why}"),
        HttpError::Timeout => "timed out".into(),
        HttpError::TooLarge(cap) => format!("response larger than the {cap}-byte cap"),
        HttpError::Transport(why) => format!("transport error: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn host_patterns() {
        assert!(host_matches("*", &url("https://a.example/x")));
        assert!(host_matches(
            "forum.example.org",
            &url("https://forum.example.org:8443/x")
        ));
        assert!(host_matches(
            "FORUM.example.org",
            &url("https://forum.example.org/x")
        ));
        assert!(!host_matches(
            "forum.example.org",
            &url("https://evil.example.org/x")
        ));
        assert!(host_matches(
            "*.example.org",
            &url("https://a.b.example.org/")
        ));
        assert!(!host_matches("*.example.org", &url("https://example.org/")));
        assert!(!host_matches(
            "*.example.org",
            &url("https://badexample.org/")
        ));
        assert!(host_matches(
            "127.0.0.1:8080",
            &url("http://127.0.0.1:8080/")
        ));
        assert!(!host_matches(
            "127.0.0.1:8080",
            &url("http://127.0.0.1:8081/")
        ));
        assert!(host_matches("127.0.0.1", &url("http://127.0.0.1:9/")));
        assert!(host_matches("[::1]", &url("http://[::1]:9/")));
        assert!(!host_matches("localhost", &url("http://127.0.0.1/")));
    }

    #[test]
    fn both_keys_are_needed() {
        let u = url("http://127.0.0.1:80/a");
        let declared = vec!["127.0.0.1".to_string()];
        let granted = vec!["127.0.0.1".to_string()];
        assert!(check_access(&u, "127.0.0.1", &declared, &granted, "p").is_ok());
        let e = check_access(&u, "127.0.0.1", &[], &granted, "p").unwrap_err();
        assert!(e.contains("not declared by plugin `p`"), "{e}");
        let e = check_access(&u, "127.0.0.1", &declared, &[], "p").unwrap_err();
        assert!(e.contains("not granted"), "{e}");
        let e = check_access(
            &url("file:///etc/passwd"),
            "",
            &["*".into()],
            &["*".into()],
            "p",
        )
        .unwrap_err();
        assert!(e.contains("scheme `file`"), "{e}");
    }

    #[test]
    fn plugins_cannot_set_credentials() {
        let err = build_headers(&[("Cookie".into(), "a=b".into())]).unwrap_err();
        assert!(matches!(err, HttpError::Denied(m) if m.contains("cookie")));
        assert!(build_headers(&[("accept".into(), "application/json".into())]).is_ok());
    }
}
