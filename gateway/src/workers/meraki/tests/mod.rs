//! The meraki worker behind the router, against the in-process fake Meraki.
