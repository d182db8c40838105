//! What a person sees of the meraki sub-commands: the pure `render_*`
//! functions, fed with answers shaped as Meraki gives them. The worker
//! behind the router, against the fake Meraki, is tested in `meraki/tests`.
