//! The set of the book's defects that sessim reproduces: `none`, `all` (alias `book`), or a
//! list such as `B1,B7`.

use std::fmt;

use crate::{Error, Result};

/// One of the book's defects that can be switched on alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Defect {
    /// `SessionInit` uses `PushBack`: a new untouched session sits at the back, where GC
    /// starts, and GC stops at it.
    B1,
    /// `SessionDestroy` passes the cookie's value still URL-escaped, so it destroys nothing.
    B3,
    /// The `/count` rotation destroys, then starts a session from the same request's old
    /// cookie: no new id is issued.
    B4,
    /// `SessionRead` adopts an unknown id.
    B5,
    /// Nothing checks expiry on access: an expired session is revived.
    B7,
    /// Expiry is `timeAccessed.Unix() + maxlifetime < now.Unix()`: whole seconds, strict `<`.
    B8,
    /// The cookie's `Max-Age` is sent once, at creation, and never refreshed.
    B11,
    /// Login keeps the session id it had before (fixation).
    B14,
}

impl Defect {
    /// Every switchable defect, in order.
    pub const ALL: [Defect; 8] = [
        Defect::B1,
        Defect::B3,
        Defect::B4,
        Defect::B5,
        Defect::B7,
        Defect::B8,
        Defect::B11,
        Defect::B14,
    ];

    /// Its name, as `B1`.
    pub fn name(self) -> &'static str {
        match self {
            Defect::B1 => "B1",
            Defect::B3 => "B3",
            Defect::B4 => "B4",
            Defect::B5 => "B5",
            Defect::B7 => "B7",
            Defect::B8 => "B8",
            Defect::B11 => "B11",
            Defect::B14 => "B14",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Which defects are reproduced. The default, `none`, is the book's code with each fixed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Defects(u8);

impl Defects {
    /// Every defect fixed.
    pub const NONE: Defects = Defects(0);

    /// The book's code as written: every defect on.
    pub const ALL: Defects = Defects(0xff);

    /// The defects of the store (§6.3): B1, B5, B7 and B8. The others are the manager's, on
    /// the web (§6.2, §6.4).
    pub const STORE: Defects = Defects(0b11_1001);

    /// Whether `defect` is reproduced.
    pub fn has(self, defect: Defect) -> bool {
        self.0 & defect.bit() != 0
    }

    /// This set with `defect` added.
    pub fn with(self, defect: Defect) -> Defects {
        Defects(self.0 | defect.bit())
    }

    /// The defects reproduced, in order.
    pub fn iter(self) -> impl Iterator<Item = Defect> {
        Defect::ALL.into_iter().filter(move |d| self.has(*d))
    }

    /// Every set of defects, `none` first and `all` last: 256 of them.
    pub fn every() -> impl Iterator<Item = Defects> {
        Defects::ALL.subsets()
    }

    /// Every subset of this set, the empty one first and this one last.
    pub fn subsets(self) -> impl Iterator<Item = Defects> {
        (0..=u8::MAX)
            .filter(move |bits| bits & !self.0 == 0)
            .map(Defects)
    }

    /// Parses `none`, `all`, `book` (the same as `all`) or a comma-separated list of names,
    /// in any case, such as `B1,B7`.
    pub fn parse(text: &str) -> Result<Defects> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => return Ok(Defects::NONE),
            "all" | "book" => return Ok(Defects::ALL),
            _ => {}
        }
        let mut set = Defects::NONE;
        for word in text.split(',').map(str::trim) {
            let upper = word.to_ascii_uppercase();
            let defect = Defect::ALL.into_iter().find(|d| d.name() == upper);
            set = set.with(defect.ok_or_else(|| unknown(word))?);
        }
        Ok(set)
    }
}

fn unknown(word: &str) -> Error {
    let why = match word.to_ascii_uppercase().as_str() {
        "" => "an empty name".to_owned(),
        "B2" => {
            "B2 is not a switch: `config gc-interval 3600ns` shows it (see `help book`)".to_owned()
        }
        _ => format!("unknown defect `{}`", crate::error::shown(word)),
    };
    Error::Invalid(format!(
        "invalid defects: {why}; expected none, all (or book), or a list of B1, B3, B4, B5, \
         B7, B8, B11, B14 such as B1,B7"
    ))
}

impl fmt::Display for Defects {
    /// `none`, `all`, or the list, as `B1,B7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Defects::NONE => f.write_str("none"),
            Defects::ALL => f.write_str("all"),
            set => {
                let names: Vec<&str> = set.iter().map(Defect::name).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

impl serde::Serialize for Defects {
    /// The list of names, as `["B1","B7"]`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Defect::name))
    }
}

impl<'de> serde::Deserialize<'de> for Defects {
    /// What [`serde::Serialize`] wrote: the list of names.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let names: Vec<String> = serde::Deserialize::deserialize(d)?;
        let list = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(",")
        };
        Defects::parse(&list).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_parse_and_print_back() {
        for (text, shown) in [
            ("none", "none"),
            ("all", "all"),
            ("BOOK", "all"),
            ("b7, B1", "B1,B7"),
            ("B8", "B8"),
            ("B1,B5,B7,B8", "B1,B5,B7,B8"),
            ("b14,b3", "B3,B14"),
            ("B1,B3,B4,B5,B7,B8,B11,B14", "all"),
        ] {
            let set = Defects::parse(text).unwrap();
            assert_eq!(set.to_string(), shown, "{text}");
            assert_eq!(Defects::parse(shown).unwrap(), set);
        }
        assert_eq!(Defects::every().count(), 256);
        assert_eq!(Defects::STORE.to_string(), "B1,B5,B7,B8");
        assert_eq!(Defects::STORE.subsets().count(), 16);
        assert!(Defects::every().all(|d| Defects::parse(&d.to_string()) == Ok(d)));
    }

    #[test]
    fn unknown_defects_say_what_is_right() {
        let e = Defects::parse("B1,B9").unwrap_err().to_string();
        assert!(e.contains("unknown defect `B9`"), "{e}");
        assert!(e.contains("B1, B3, B4, B5, B7, B8, B11, B14"), "{e}");
        let e = Defects::parse("b2").unwrap_err().to_string();
        assert!(e.contains("B2 is not a switch"), "{e}");
        assert!(Defects::parse("B1,").is_err());
        assert!(Defects::parse("").is_err());
    }
}
