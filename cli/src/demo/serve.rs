//! `genohub demo --serve`: the real server over the demo hub, with a token per role and
//! ready-to-paste curl lines.

use std::net::SocketAddr;

use anyhow::Result;

use super::setup::{self, DemoHub, CONTIG};

pub fn run(d: &DemoHub, listen: SocketAddr) -> Result<()> {
    let mut config = genohub_server::ServerConfig::new(listen, setup::store_dir(&d.dir));
    config.key_file = Some(d.key_file.clone());
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
        let server = genohub_server::Server::bind_with(config, Box::new(|hub| hub)).await?;
        let url = server.url().to_string().trim_end_matches('/').to_string();
        println!("\n== serving the demo hub at {url} (Ctrl-C to stop)");
        for (user, role, org, secret) in &d.cast.tokens {
            println!("token {role:<10} {user:<15} ({org}): {secret}");
        }
        let t = |u: &str| d.cast.token(u).to_string();
        println!("\nready to paste:");
        println!("curl -s -H 'Authorization: Bearer {}' '{url}/api/v1/variants?region={CONTIG}:100001-101000'", t("dr-todai"));
        println!("curl -s -H 'Authorization: Bearer {}' '{url}/api/v1/freq?region={CONTIG}:200001-210000&project={}&format=tsv'", t("analyst"), d.approved);
        println!("curl -s -H 'Authorization: Bearer {}' '{url}/api/v1/cohorts/size?project={}'", t("analyst"), d.approved);
        println!("curl -s -H 'Authorization: Bearer {}' '{url}/api/v1/freq?region={CONTIG}:200001-210000'", t("analyst"));
        use std::io::Write;
        std::io::stdout().flush()?;
        server.run(genohub_server::serve::shutdown_signal()).await
    })
}
