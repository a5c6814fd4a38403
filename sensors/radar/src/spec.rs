//! The category definitions this decoder walks: each category's user application
//! profile (UAP, field reference number → item) and each item's framing.
//!
//! Transcribed by hand from the machine-readable definitions of
//! [zoranbosnjak/asterix-specs](https://github.com/zoranbosnjak/asterix-specs)
//! (BSD-3-Clause): `cat048/cat-1.32.ast` and `cat034/cat-1.29.ast`. Only framing
//! is needed to walk a record (how many bytes an item takes); field meanings live
//! in `Cat048`, `Cat034` and `to_json`. Embedded so the service needs no definition
//! files at run time. `tests/spec_tables.rs` checks these tables against the `.ast`
//! files when they are present.

/// How a data item is framed, which is all that is needed to skip it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A fixed number of bytes.
    Fixed(u8),
    /// One-byte parts, each ending in an FX bit that says another part follows
    /// (`extended` items, and `repetitive fx` items of one-byte elements).
    Extended,
    /// A one-byte repetition count, then that many elements of this many bytes.
    Repetitive(u8),
    /// A primary subfield (bit map with FX bits) selecting subitems; `None` slots are
    /// spare and must not be set.
    Compound(&'static [Option<Format>]),
    /// A length byte counting itself, then the content (SP and RE fields).
    Explicit,
}

/// One data item of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemDef {
    /// The item's name as the oracle decoder prints it: `I010`, `SP`, `RE`.
    pub id: &'static str,
    /// The title from the definition.
    pub title: &'static str,
    pub format: Format,
}

/// A category: its number, edition and UAP (index 0 is FRN 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryDef {
    pub cat: u8,
    pub edition: &'static str,
    pub uap: &'static [Option<ItemDef>],
}

const fn item(id: &'static str, title: &'static str, format: Format) -> Option<ItemDef> {
    Some(ItemDef { id, title, format })
}

use Format::*;

/// CAT048 edition 1.32, Monoradar Target Reports.
pub static CAT048: CategoryDef = CategoryDef {
    cat: 48,
    edition: "1.32",
    uap: &[
        item("I010", "Data Source Identifier", Fixed(2)),
        item("I140", "Time of Day", Fixed(3)),
        item("I020", "Target Report Descriptor", Extended),
        item("I040", "Measured Position in Polar Co-ordinates", Fixed(4)),
        item("I070", "Mode-3/A Code in Octal Representation", Fixed(2)),
        item("I090", "Flight Level in Binary Representation", Fixed(2)),
        item(
            "I130",
            "Radar Plot Characteristics",
            // SRL SRR SAM PRL PAM RPD APD, one byte each.
            Compound(&[Some(Fixed(1)); 7]),
        ),
        item("I220", "Aircraft Address", Fixed(3)),
        item("I240", "Aircraft Identification", Fixed(6)),
        item("I250", "BDS Register Data", Repetitive(8)),
        item("I161", "Track Number", Fixed(2)),
        item(
            "I042",
            "Calculated Position in Cartesian Co-ordinates",
            Fixed(4),
        ),
        item(
            "I200",
            "Calculated Track Velocity in Polar Co-ordinates",
            Fixed(4),
        ),
        item("I170", "Track Status", Extended),
        item("I210", "Track Quality", Fixed(4)),
        item(
            "I030",
            "Warning/Error Conditions and Target Classification",
            Extended,
        ),
        item("I080", "Mode-3/A Code Confidence Indicator", Fixed(2)),
        item(
            "I100",
            "Mode-C Code and Code Confidence Indicator",
            Fixed(4),
        ),
        item("I110", "Height Measured by a 3D Radar", Fixed(2)),
        item(
            "I120",
            "Radial Doppler Speed",
            // CAL (2 bytes), RDS (repetitive DOP/AMB/FRQ, 6 bytes each).
            Compound(&[Some(Fixed(2)), Some(Repetitive(6))]),
        ),
        item(
            "I230",
            "Communications/ACAS Capability and Flight Status",
            Fixed(2),
        ),
        item("I260", "ACAS Resolution Advisory Report", Fixed(7)),
        item("I055", "Mode-1 Code in Octal Representation", Fixed(1)),
        item("I050", "Mode-2 Code in Octal Representation", Fixed(2)),
        item("I065", "Mode-1 Code Confidence Indicator", Fixed(1)),
        item("I060", "Mode-2 Code Confidence Indicator", Fixed(2)),
        item("SP", "Special Purpose Field", Explicit),
        item("RE", "Reserved Expansion Field", Explicit),
    ],
};

/// CAT034 edition 1.29, Monoradar Service Messages.
pub static CAT034: CategoryDef = CategoryDef {
    cat: 34,
    edition: "1.29",
    uap: &[
        item("I010", "Data Source Identifier", Fixed(2)),
        item("I000", "Message Type", Fixed(1)),
        item("I030", "Time of Day", Fixed(3)),
        item("I020", "Sector Number", Fixed(1)),
        item("I041", "Antenna Rotation Speed", Fixed(2)),
        item(
            "I050",
            "System Configuration and Status",
            // COM, two spare slots, PSR, SSR, MDS (2 bytes).
            Compound(&[
                Some(Fixed(1)),
                None,
                None,
                Some(Fixed(1)),
                Some(Fixed(1)),
                Some(Fixed(2)),
            ]),
        ),
        item(
            "I060",
            "System Processing Mode",
            // COM, two spare slots, PSR, SSR, MDS.
            Compound(&[
                Some(Fixed(1)),
                None,
                None,
                Some(Fixed(1)),
                Some(Fixed(1)),
                Some(Fixed(1)),
            ]),
        ),
        item("I070", "Message Count Values", Repetitive(2)),
        item("I100", "Generic Polar Window", Fixed(8)),
        item("I110", "Data Filter", Fixed(1)),
        item("I120", "3D-Position Of Data Source", Fixed(8)),
        item("I090", "Collimation Error", Fixed(2)),
        item("RE", "Reserved Expansion Field", Explicit),
        item("SP", "Special Purpose Field", Explicit),
    ],
};

/// The definition of a category this decoder knows.
pub fn category(cat: u8) -> Option<&'static CategoryDef> {
    match cat {
        48 => Some(&CAT048),
        34 => Some(&CAT034),
        _ => None,
    }
}

/// Names of the subitems of compound items, in slot order (spare slots `""`).
pub fn compound_names(cat: u8, id: &str) -> &'static [&'static str] {
    match (cat, id) {
        (48, "I130") => &["SRL", "SRR", "SAM", "PRL", "PAM", "RPD", "APD"],
        (48, "I120") => &["CAL", "RDS"],
        (34, "I050") | (34, "I060") => &["COM", "", "", "PSR", "SSR", "MDS"],
        _ => &[],
    }
}
