//! `relais simulate`: phones over HTTP.

use clap::Args;

/// Options of `relais simulate`.
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Server base address.
    #[arg(long)]
    pub server: String,
    /// How many phones.
    #[arg(long, default_value_t = 10)]
    pub devices: usize,
}

/// Run the simulation.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    anyhow::bail!(
        "simulate is not built yet ({} devices against {})",
        args.devices,
        args.server
    )
}
