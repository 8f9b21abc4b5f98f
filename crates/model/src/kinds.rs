//! The closed vocabularies of the model (kinds of organizations, sites and items), with their
//! spelling in files.

use std::fmt;
use std::str::FromStr;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The spelling of every value, in the same order.
            pub const NAMES: &[&str] = &[$($text),+];

            /// The spelling used in files and reports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "unknown value {text:?}; expected one of {}",
                        Self::NAMES.join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What an organization is.
    OrgKind {
        Company = "company",
        Institute = "institute",
        University = "university",
        Government = "government",
        Nonprofit = "nonprofit",
    }
}

vocabulary! {
    /// What a site is.
    SiteKind {
        Factory = "factory",
        Institute = "institute",
        Biomanufacturing = "biomanufacturing",
        Additive = "additive",
        Warehouse = "warehouse",
        Lab = "lab",
    }
}

vocabulary! {
    /// Where an item sits in a bill of materials.
    ItemKind {
        Product = "product",
        Part = "part",
        Material = "material",
    }
}
