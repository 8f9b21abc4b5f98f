//! Word lists that give generated organizations and items readable names.

pub(super) const ORG_FIRST: &[&str] = &[
    "Apex",
    "Summit",
    "Keystone",
    "Lakeshore",
    "Ironwood",
    "Great Plains",
    "Bluewater",
    "Redstone",
    "Northstar",
    "Cascade",
    "Heartland",
    "Granite",
    "Pioneer",
    "Liberty",
    "Allegheny",
    "Prairie",
    "Meridian",
    "Sierra",
    "Tidewater",
    "Frontier",
    "Buckeye",
    "Patriot",
    "Riverbend",
    "Copperline",
];

pub(super) const ORG_SECOND: &[&str] = &[
    "Precision",
    "Machining",
    "Components",
    "Fabrication",
    "Industries",
    "Technologies",
    "Manufacturing",
    "Materials",
    "Systems",
    "Tool & Die",
    "Castings",
    "Plastics",
    "Electronics",
    "Aerospace",
    "Biologics",
    "Additive",
];

pub(super) const ORG_SUFFIX: &[&str] = &["Inc.", "LLC", "Corp.", "Co."];

pub(super) const PRODUCT_NOUNS: &[&str] = &[
    "Ventilator",
    "Infusion Pump",
    "Battery Pack",
    "Drone",
    "Power Inverter",
    "Radar Module",
    "Pump Assembly",
    "Gearbox",
    "Robot Arm",
    "Fuel Cell",
    "Heat Exchanger",
    "Patient Monitor",
];

pub(super) const SUB_NOUNS: &[&str] = &[
    "Control Board",
    "Motor Assembly",
    "Housing Assembly",
    "Sensor Module",
    "Valve Block",
    "Cell Module",
    "Harness",
    "Frame Assembly",
    "Cooling Unit",
    "Display Unit",
];

pub(super) const COMPONENT_NOUNS: &[&str] = &[
    "Bracket",
    "Shaft",
    "Bearing",
    "Gasket",
    "Connector",
    "Fastener Kit",
    "Capacitor",
    "Printed Circuit Board",
    "Impeller",
    "Spring",
    "Manifold",
    "Lens",
    "Enclosure",
    "Seal",
    "Heat Sink",
];

pub(super) const MATERIAL_NOUNS: &[&str] = &[
    "Aluminum 6061 Bar",
    "Stainless 316 Sheet",
    "Copper Wire",
    "ABS Resin",
    "Polycarbonate Resin",
    "Titanium Powder",
    "Silicon Wafer",
    "Lithium Carbonate",
    "Cell Culture Media",
    "Carbon Fiber Prepreg",
    "Steel Coil",
    "Epoxy Resin",
];

/// Processes by tier (0 = materials .. 3 = products) with hours per unit and NAICS code.
pub(super) struct ProcessSpec {
    pub(super) name: &'static str,
    pub(super) naics: &'static str,
    pub(super) hours: (f64, f64),
}

const fn process(name: &'static str, naics: &'static str, hours: (f64, f64)) -> ProcessSpec {
    ProcessSpec { name, naics, hours }
}

pub(super) const PROCESSES: [&[ProcessSpec]; 4] = [
    &[
        process("smelting", "331110", (0.001, 0.01)),
        process("chemical-synthesis", "325199", (0.002, 0.02)),
        process("polymerization", "325211", (0.001, 0.01)),
        process("fermentation", "325414", (0.01, 0.05)),
    ],
    &[
        process("cnc-machining", "332710", (0.05, 0.5)),
        process("5-axis-cnc", "332710", (0.2, 1.0)),
        process("injection-molding", "326199", (0.01, 0.1)),
        process("stamping", "332119", (0.01, 0.05)),
        process("casting", "331511", (0.1, 0.6)),
        process("pcb-fabrication", "334412", (0.05, 0.3)),
        process("metal-additive", "332999", (0.5, 3.0)),
        process("polymer-additive", "326199", (0.2, 1.5)),
    ],
    &[
        process("assembly", "333999", (0.5, 3.0)),
        process("electronics-assembly", "334418", (0.3, 2.0)),
        process("welding", "332312", (0.5, 4.0)),
    ],
    &[
        process("final-assembly", "334510", (2.0, 12.0)),
        process("test-and-calibration", "334515", (0.5, 3.0)),
    ],
];
