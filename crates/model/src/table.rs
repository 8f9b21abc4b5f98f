//! The tables of a network, named as their files are.

use std::fmt;

/// One table of the network (one CSV file, one array of the JSON document).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Organizations,
    Sites,
    Capabilities,
    Items,
    Bom,
    Routings,
    Sources,
    Links,
    Inventory,
    Demand,
}

impl Table {
    /// Every table, in the order they are read, written and documented.
    pub const ALL: &[Table] = &[
        Table::Organizations,
        Table::Sites,
        Table::Capabilities,
        Table::Items,
        Table::Bom,
        Table::Routings,
        Table::Sources,
        Table::Links,
        Table::Inventory,
        Table::Demand,
    ];

    /// The table's name: the CSV file's stem and the JSON document's key.
    pub fn name(self) -> &'static str {
        match self {
            Table::Organizations => "organizations",
            Table::Sites => "sites",
            Table::Capabilities => "capabilities",
            Table::Items => "items",
            Table::Bom => "bom",
            Table::Routings => "routings",
            Table::Sources => "sources",
            Table::Links => "links",
            Table::Inventory => "inventory",
            Table::Demand => "demand",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
