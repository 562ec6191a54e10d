//! Prints the forum plugin's `describe()` as JSON, config schema included:
//! `cargo run -p hearken-plugin-forum --example schema`.

use hearken_plugin_sdk::Source;

fn main() {
    let info = hearken_plugin_forum::Forum::describe();
    let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap_or_default();
    let out = serde_json::json!({
        "name": info.name,
        "version": info.version,
        "description": info.description,
        "hosts": info.hosts,
        "config_schema": schema,
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
