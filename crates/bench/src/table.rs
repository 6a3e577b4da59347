//! Result tables: one value per peer per row (the median of several runs), the ratios
//! oxissl/rustls and oxissl/OpenSSL, an optional floor column, rendered as Markdown.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::peers::Peer;

/// One measured cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// The median.
    Value(f64),
    /// The value, measured another way than the rest of the row (said in the note).
    Marked(f64, &'static str),
    /// Not possible: the reason.
    NotAvailable(&'static str),
}

impl Cell {
    fn value(&self) -> Option<f64> {
        match self {
            Cell::Value(v) | Cell::Marked(v, _) => Some(*v),
            Cell::NotAvailable(_) => None,
        }
    }
}

/// Which way is better, and how values are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Microseconds of client CPU per operation (lower is better).
    Micros,
    /// Megabytes (10^6) per second (higher is better).
    MegabytesPerSecond,
    /// Bytes (lower is better).
    Bytes,
}

impl Unit {
    fn format(self, v: f64) -> String {
        match self {
            Unit::Micros if v < 10.0 => format!("{v:.2}"),
            Unit::Micros => format!("{v:.1}"),
            Unit::MegabytesPerSecond | Unit::Bytes => format!("{v:.0}"),
        }
    }
}

/// A row: a label, one cell per peer, and optionally the raw-crypto floor.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured.
    pub label: String,
    /// Per peer.
    pub cells: HashMap<Peer, Cell>,
    /// The aws-lc-rs floor for the same work, if there is one.
    pub floor: Option<f64>,
    /// The complete cryptographic floor (primitives, key schedule, transcript hashing and
    /// record protection); the table shows its column when a row has one.
    pub full_floor: Option<f64>,
    /// Whether ratios mean anything for this row (not for a floor row).
    pub ratios: bool,
}

impl Row {
    /// An empty row.
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            cells: HashMap::new(),
            floor: None,
            full_floor: None,
            ratios: true,
        }
    }
}

/// A titled table of rows in one unit.
#[derive(Debug, Clone)]
pub struct Table {
    /// The heading.
    pub title: String,
    /// The unit of every cell.
    pub unit: Unit,
    /// Which peers are columns.
    pub peers: Vec<Peer>,
    /// The rows.
    pub rows: Vec<Row>,
    /// Whether there is a floor column.
    pub floor_column: bool,
    /// Text under the table.
    pub notes: Vec<String>,
}

/// The median of `v` (sorted in place); NaN when empty.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "—".into(),
    }
}

impl Table {
    /// Renders the table as Markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let unit = match self.unit {
            Unit::Micros => "µs per operation, lower is better",
            Unit::MegabytesPerSecond => "MB/s, higher is better",
            Unit::Bytes => "bytes, lower is better",
        };
        let _ = writeln!(s, "### {} ({unit})\n", self.title);
        let mut head = String::from("| row |");
        let mut rule = String::from("|---|");
        for p in &self.peers {
            let _ = write!(head, " {} |", p.label());
            rule.push_str("---:|");
        }
        let full = self.floor_column && self.rows.iter().any(|r| r.full_floor.is_some());
        if self.floor_column {
            head.push_str(" aws-lc-rs floor |");
            rule.push_str("---:|");
        }
        if full {
            head.push_str(" with key schedule |");
            rule.push_str("---:|");
        }
        // Ratios to the peers and floors the table has, when it has oxissl.
        let has = |p: Peer| self.peers.contains(&Peer::Oxissl) && self.peers.contains(&p);
        let others: Vec<Peer> = [Peer::Rustls, Peer::OpenSsl]
            .into_iter()
            .filter(|&p| has(p))
            .collect();
        let floor_ratio = self.floor_column && self.peers.contains(&Peer::Oxissl);
        let full_ratio = full && floor_ratio;
        for p in &others {
            let _ = write!(head, " oxissl/{} |", p.label());
            rule.push_str("---:|");
        }
        if floor_ratio {
            head.push_str(" oxissl/floor |");
            rule.push_str("---:|");
        }
        if full_ratio {
            head.push_str(" oxissl/with schedule |");
            rule.push_str("---:|");
        }
        let _ = writeln!(s, "{head}\n{rule}");
        for row in &self.rows {
            let _ = write!(s, "| {} |", row.label);
            for p in &self.peers {
                let text = match row.cells.get(p) {
                    Some(Cell::Value(v)) => self.unit.format(*v),
                    Some(Cell::Marked(v, mark)) => format!("{} {mark}", self.unit.format(*v)),
                    Some(Cell::NotAvailable(why)) => (*why).to_owned(),
                    None => "—".to_owned(),
                };
                let _ = write!(s, " {text} |");
            }
            let cell = |v: Option<f64>| v.map_or("—".to_owned(), |v| self.unit.format(v));
            if self.floor_column {
                let _ = write!(s, " {} |", cell(row.floor));
            }
            if full {
                let _ = write!(s, " {} |", cell(row.full_floor));
            }
            let get = |p: Peer| {
                row.cells
                    .get(&p)
                    .and_then(Cell::value)
                    .filter(|_| row.ratios)
            };
            let ox = get(Peer::Oxissl);
            for &p in &others {
                let _ = write!(s, " {} |", ratio(ox, get(p)));
            }
            if floor_ratio {
                let _ = write!(s, " {} |", ratio(ox, row.floor));
            }
            if full_ratio {
                let _ = write!(s, " {} |", ratio(ox, row.full_floor));
            }
            s.push('\n');
        }
        for n in &self.notes {
            let _ = writeln!(s, "\n{n}");
        }
        s
    }
}
