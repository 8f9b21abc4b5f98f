//! The JSON Schema of the JSON document, generated from the column definitions; the copy in
//! docs/network.schema.json is checked against it by a test.

use model::Table;
use serde_json::{Map, Value, json};

use super::json_doc::{FORMAT_NAME, FORMAT_VERSION};
use super::tables::{ColumnType, columns};

/// The JSON Schema (draft 2020-12) of a network document.
pub fn json_schema() -> Value {
    let mut properties = Map::new();
    properties.insert("format".into(), json!({ "const": FORMAT_NAME }));
    properties.insert("version".into(), json!({ "const": FORMAT_VERSION }));
    for &table in Table::ALL {
        let mut fields = Map::new();
        let mut required = Vec::new();
        for column in columns(table) {
            let mut schema = match column.ty {
                ColumnType::Text => json!({ "type": "string", "minLength": 1 }),
                ColumnType::Number => json!({ "type": "number" }),
                ColumnType::Integer => {
                    json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX })
                }
                ColumnType::Vocabulary(names) => json!({ "enum": names }),
                ColumnType::List => {
                    json!({ "type": "array", "items": { "type": "string", "minLength": 1 } })
                }
            };
            schema["description"] = column.doc.into();
            fields.insert(column.name.into(), schema);
            if column.required {
                required.push(column.name);
            }
        }
        properties.insert(
            table.name().into(),
            json!({
                "type": "array",
                "items": { "type": "object", "properties": fields, "required": required },
            }),
        );
    }
    let required: Vec<&str> = super::REQUIRED_TABLES.iter().map(|t| t.name()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Arsenal network",
        "description": "A manufacturing network: organizations, sites, items, bills of materials, sources, links, inventory and demand. See docs/data-format.md.",
        "type": "object",
        "properties": properties,
        "required": required,
    })
}
