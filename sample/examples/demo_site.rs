//! Writes the demo corpus to a directory and prints its manifest.
//!
//! ```text
//! cargo run -p hearken-sample --example demo_site -- OUT_DIR
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: demo_site OUT_DIR")?;
    let manifest = hearken_sample::write_site(
        &hearken_sample::SampleConfig::demo(),
        std::path::Path::new(&out),
    )?;
    println!("{}", serde_json::to_string_pretty(&manifest)?);
    Ok(())
}
