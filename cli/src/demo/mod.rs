//! `genohub demo`: builds a complete hub from nothing (centers, hospitals, a committee, a
//! company, a university; ~500 patients with clinical data and consents; simulated genomes), then shows what
//! each role may and may not do. With `--serve`, serves it with a token per role.

mod bams;
mod callable_tour;
mod hospitals;
mod patients;
mod projects;
mod serve;
mod setup;
mod tours;
mod uploads;

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

pub fn run(dir: &Path, threads: usize, serve: Option<std::net::SocketAddr>) -> Result<()> {
    let t = Instant::now();
    let demo = setup::build(dir, threads)?;
    {
        let hub = setup::reopen(&demo)?;
        tours::clinician(&hub, &demo)?;
        callable_tour::osaka_clinician(&hub, &demo)?;
        let company = tours::company(&hub, &demo)?;
        tours::academic(&hub, &demo, company)?;
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
