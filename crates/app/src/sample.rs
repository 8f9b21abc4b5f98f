//! The bundled sample network (data/sample/), built into the binary so `arsenal demo` works
//! from any directory.

/// The files of the sample network: (file name, contents).
pub const SAMPLE_FILES: &[(&str, &str)] = &[
    ("organizations.csv", include_str!("../../../data/sample/organizations.csv")),
    ("sites.csv", include_str!("../../../data/sample/sites.csv")),
    ("capabilities.csv", include_str!("../../../data/sample/capabilities.csv")),
    ("items.csv", include_str!("../../../data/sample/items.csv")),
    ("bom.csv", include_str!("../../../data/sample/bom.csv")),
    ("routings.csv", include_str!("../../../data/sample/routings.csv")),
    ("sources.csv", include_str!("../../../data/sample/sources.csv")),
    ("links.csv", include_str!("../../../data/sample/links.csv")),
    ("inventory.csv", include_str!("../../../data/sample/inventory.csv")),
    ("demand.csv", include_str!("../../../data/sample/demand.csv")),
];

/// The example request files (data/scenarios/, data/hazards/, data/demand/, data/events/): (path
/// under the examples directory, contents). `arsenal demo` writes them into the data directory, so the
/// commands it suggests work from any directory.
pub(crate) const EXAMPLES: &[(&str, &str)] = &[
    DEMO_SCENARIO,
    ("scenarios/gulf-hurricane.toml", include_str!("../../../data/scenarios/gulf-hurricane.toml")),
    (
        "scenarios/ventilator-surge.json",
        include_str!("../../../data/scenarios/ventilator-surge.json"),
    ),
    ("hazards/default.toml", include_str!("../../../data/hazards/default.toml")),
    DEMO_DEMAND,
    (
        "events/ventilator-assembler-down.toml",
        include_str!("../../../data/events/ventilator-assembler-down.toml"),
    ),
];

/// The scenario `arsenal demo` runs: the loss of the only qualified maker of a MEMS pressure
/// sensor.
pub(crate) const DEMO_SCENARIO: (&str, &str) = (
    "scenarios/chip-supplier-fire.toml",
    include_str!("../../../data/scenarios/chip-supplier-fire.toml"),
);

/// The demand `arsenal demo` plans for: ICU ventilators in a pandemic.
pub(crate) const DEMO_DEMAND: (&str, &str) = (
    "demand/ventilator-pandemic.toml",
    include_str!("../../../data/demand/ventilator-pandemic.toml"),
);
