//! `genohub demo`: builds a complete hub from nothing (centers, hospitals, a committee, a
//! company; ~500 patients with clinical data and consents; simulated genomes), then shows what
//! each role may and may not do. With `--serve`, serves it with a token per role.

mod bams;
mod patients;
mod serve;
mod setup;
mod tours;

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

pub fn run(dir: &Path, threads: usize, serve: Option<std::net::SocketAddr>) -> Result<()> {
    let t = Instant::now();
    let demo = setup::build(dir, threads)?;
    {
        let hub = setup::reopen(&demo)?;
        tours::clinician(&hub, &demo)?;
        tours::company(&hub, &demo)?;
        tours::committee(&hub, &demo)?;
    }
    println!(
        "\ndemo hub built and toured in {:.1}s: store {}, hub key {}",
        t.elapsed().as_secs_f64(),
        setup::store_dir(dir).display(),
        demo.key_file.display()
    );
    if let Some(listen) = serve {
        serve::run(&demo, listen)?;
    }
    Ok(())
}
