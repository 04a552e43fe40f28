//! What the processes on a named Redis namespace share beyond its sessions and clock: the
//! settings, the event log and the totals. After each command, the shell adds the
//! command's events and counts in one call, and the settings if it changed them; `log` and
//! `stats` there read them back, and each command first takes on settings another process
//! changed.

use compact_str::CompactString;

use crate::basics::time::Time;
use crate::manager::{Config, Event, EventKind, Extra, Manager, Stats};
use crate::store::{Provider, RedisStore};
use crate::{Error, Result};

/// What this process has added so far.
#[derive(Debug, Default)]
pub struct Published {
    /// Events logged by this process's manager, up to the last one added.
    logged: u64,
    /// Its totals when last added.
    totals: Stats,
}

impl Published {
    /// Adds what `m` did since the last call to the namespace.
    pub fn publish(&mut self, store: &RedisStore, m: &Manager<Provider>) -> Result<()> {
        let log = m.log();
        let logged = log.len() as u64 + log.dropped();
        let fresh = usize::try_from(logged.saturating_sub(self.logged)).unwrap_or(usize::MAX);
        let events: Vec<Vec<u8>> = log
            .iter()
            .skip(log.len().saturating_sub(fresh))
            .map(pack)
            .collect();
        let totals = changes(&self.totals, m.stats())?;
        if events.is_empty() && totals.is_empty() {
            return Ok(());
        }
        store.publish(log.capacity(), &events, &totals)?;
        (self.logged, self.totals) = (logged, *m.stats());
        Ok(())
    }
}

/// The namespace's settings and their version; `None` before any were given.
pub fn settings(store: &RedisStore) -> Result<(u64, Option<Config>)> {
    let (version, json) = store.settings(None)?;
    if json.is_empty() {
        return Ok((version, None));
    }
    let config = serde_json::from_str(&json)
        .map_err(|e| Error::Store(format!("the shared settings do not read: {e}")))?;
    Ok((version, Some(config)))
}

/// Gives the namespace `config` as its settings; returns their new version.
pub fn share_settings(store: &RedisStore, config: &Config) -> Result<u64> {
    let json = serde_json::to_string(config)
        .map_err(|e| Error::Store(format!("the settings do not serialize: {e}")))?;
    store.settings(Some(&json)).map(|(version, _)| version)
}

/// The namespace's events, oldest first, how many it forgot, and its totals.
pub fn read(store: &RedisStore) -> Result<(Vec<Event>, u64, Stats)> {
    let shared = store.read_shared()?;
    let events = shared
        .events
        .iter()
        .map(|e| unpack(e))
        .collect::<Result<_>>()?;
    let totals: serde_json::Map<String, serde_json::Value> = shared
        .totals
        .into_iter()
        .map(|(k, v)| (k, v.into()))
        .collect();
    let totals = serde_json::from_value(totals.into())
        .map_err(|e| Error::Store(format!("the shared totals do not read: {e}")))?;
    Ok((events, shared.dropped, totals))
}

/// What to add to the namespace's totals to go from `before` to `now`.
fn changes(before: &Stats, now: &Stats) -> Result<Vec<(String, u64)>> {
    let fields = |s: &Stats| match serde_json::to_value(s) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(Error::Store("the totals do not serialize".into())),
    };
    let (before, now) = (fields(before)?, fields(now)?);
    let mut out = Vec::new();
    for (name, value) in &now {
        let (Some(value), Some(was)) = (value.as_u64(), before.get(name).and_then(|v| v.as_u64()))
        else {
            continue;
        };
        if Stats::MOST.contains(&name.as_str()) {
            if value > was {
                out.push((format!("^{name}"), value));
            }
        } else if value > was {
            out.push((name.clone(), value - was));
        }
    }
    Ok(out)
}

/// An event as one string: its fields as `<len>:<text>` records.
fn pack(e: &Event) -> Vec<u8> {
    let extra = e.extra.as_deref();
    let fields = [
        e.at.unix_nanos().to_string(),
        e.id.to_string(),
        e.last_access.unix_nanos().to_string(),
        e.kind.code(),
        extra
            .and_then(|x| x.client.as_deref())
            .unwrap_or("")
            .to_owned(),
        extra
            .and_then(|x| x.new_id.as_deref())
            .unwrap_or("")
            .to_owned(),
    ];
    let mut out = String::new();
    for f in fields {
        out.push_str(&format!("{}:{f}", f.len()));
    }
    out.into_bytes()
}

/// The event [`pack`] made.
fn unpack(bytes: &[u8]) -> Result<Event> {
    let bad = || Error::Store("the shared log holds an event sessim did not write".into());
    let mut rest = std::str::from_utf8(bytes).map_err(|_| bad())?;
    let mut fields = Vec::with_capacity(6);
    while !rest.is_empty() {
        let (len, after) = rest.split_once(':').ok_or_else(bad)?;
        let len: usize = len.parse().map_err(|_| bad())?;
        let field = after.get(..len).ok_or_else(bad)?;
        fields.push(field);
        rest = &after[len..];
    }
    let [at, id, last, kind, client, new_id] = fields[..] else {
        return Err(bad());
    };
    let time = |t: &str| t.parse().map(Time::from_unix_nanos).map_err(|_| bad());
    let some = |s: &str| (!s.is_empty()).then(|| CompactString::from(s));
    let extra = (!client.is_empty() || !new_id.is_empty()).then(|| {
        Box::new(Extra {
            client: some(client),
            new_id: some(new_id),
        })
    });
    Ok(Event {
        at: time(at)?,
        id: id.into(),
        last_access: time(last)?,
        kind: EventKind::from_code(kind).ok_or_else(bad)?,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manager::{Activity, Reason};

    #[test]
    fn events_pack_and_unpack_whole() {
        let mut e = Event::new(
            Time::from_unix_nanos(-5),
            "a:b 1:x",
            Time::from_unix_nanos(7),
            EventKind::Revived(Activity::Incr),
        );
        assert_eq!(unpack(&pack(&e)), Ok(e.clone()));
        e.kind = EventKind::Removed(Reason::Lifetime);
        e.extra = Some(Box::new(Extra {
            client: Some("中文".into()),
            new_id: None,
        }));
        assert_eq!(unpack(&pack(&e)), Ok(e.clone()));
        assert!(unpack(b"1:x").is_err());
        assert!(unpack(b"99:x").is_err());
    }

    #[test]
    fn totals_add_counts_and_keep_the_most() {
        let before = Stats {
            created: 2,
            largest_run: 9,
            ..Stats::default()
        };
        let now = Stats {
            created: 5,
            largest_run: 4,
            expired_held_peak: 3,
            ..Stats::default()
        };
        let mut got = changes(&before, &now).unwrap();
        got.sort();
        assert_eq!(
            got,
            vec![("^expired_held_peak".into(), 3), ("created".into(), 3)]
        );
    }
}
