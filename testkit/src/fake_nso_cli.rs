//! What the fake NSO's devices answer to `live-status … exec` (`fake_nso`):
//! the show commands the `nso run-command-set` command sets run, as a Cisco
//! IOS switch or router and an IOS XR router print them, and IOS's own answer
//! to a command it does not know. Each text is a template: `{name}` is the
//! device's hostname and `{address}` its management address.

/// One show command a device answers, in its full spelling (abbreviations,
/// such as `show ip bgp sum`, are matched word by word as IOS matches them).
pub(crate) struct Show {
    pub(crate) command: &'static str,
    pub(crate) output: &'static str,
}

/// The show commands of the command sets on an IOS device (the nautobot
/// ChatOps app's `run-command-set` choices), with outputs of a Catalyst 3850.
pub(crate) const IOS: &[Show] = &[
    Show {
        command: "show version",
        output: "Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.9.4, RELEASE SOFTWARE (fc2)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2019 by Cisco Systems, Inc.
Compiled Thu 22-Aug-19 18:09 by mcpre

ROM: IOS-XE ROMMON
BOOTLDR: CAT3K_CAA Boot Loader (CAT3K_CAA-HBOOT-M) Version 4.313, RELEASE SOFTWARE (P)

{name} uptime is 23 weeks, 4 days, 7 hours, 12 minutes
Uptime for this control processor is 23 weeks, 4 days, 7 hours, 15 minutes
System returned to ROM by Power Failure
System image file is \"flash:packages.conf\"

cisco WS-C3850-24T (MIPS) processor (revision AB0) with 795159K/6147K bytes of memory.
Processor board ID FCW2143L0QZ
2 Virtual Ethernet interfaces
28 Gigabit Ethernet interfaces
4 Ten Gigabit Ethernet interfaces
2048K bytes of non-volatile configuration memory.
4194304K bytes of physical memory.

Switch Ports Model              SW Version        SW Image              Mode
------ ----- -----              ----------        ----------            ----
*    1 32    WS-C3850-24T       16.9.4            CAT3K_CAA-UNIVERSALK9 INSTALL

Configuration register is 0x102",
    },
    Show {
        command: "show ip interface brief",
        output: "Interface              IP-Address      OK? Method Status                Protocol
Vlan1                  unassigned      YES NVRAM  administratively down down
Vlan100                10.100.0.1      YES NVRAM  up                    up
Vlan200                10.200.0.1      YES NVRAM  up                    up
GigabitEthernet0/0     {address}     YES NVRAM  up                    up
GigabitEthernet1/0/1   unassigned      YES unset  up                    up
GigabitEthernet1/0/2   unassigned      YES unset  up                    up
GigabitEthernet1/0/3   unassigned      YES unset  down                  down
GigabitEthernet1/0/24  172.16.252.2    YES NVRAM  up                    up
Loopback0              192.168.255.11  YES NVRAM  up                    up",
    },
    Show {
        command: "show ip route",
        output: "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR

Gateway of last resort is 172.16.252.1 to network 0.0.0.0

O*E2  0.0.0.0/0 [110/1] via 172.16.252.1, 3d04h, GigabitEthernet1/0/24
      10.0.0.0/8 is variably subnetted, 4 subnets, 2 masks
C        10.100.0.0/24 is directly connected, Vlan100
L        10.100.0.1/32 is directly connected, Vlan100
C        10.200.0.0/24 is directly connected, Vlan200
L        10.200.0.1/32 is directly connected, Vlan200
      172.16.0.0/16 is variably subnetted, 2 subnets, 2 masks
C        172.16.252.0/30 is directly connected, GigabitEthernet1/0/24
L        172.16.252.2/32 is directly connected, GigabitEthernet1/0/24
      192.168.255.0/32 is subnetted, 2 subnets
O        192.168.255.1 [110/2] via 172.16.252.1, 3d04h, GigabitEthernet1/0/24
C        192.168.255.11 is directly connected, Loopback0",
    },
    Show {
        command: "show cdp neighbors",
        output: "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge
                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,
                  D - Remote, C - CVTA, M - Two-port Mac Relay

Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID
nyc-core-rtr01   Gig 1/0/24        152              R I   ASR9K     Gig 0/0/0/1
nyc-access-sw11  Gig 1/0/1         161              S I   WS-C2960X Gig 1/0/48
nyc-access-sw12  Gig 1/0/2         128              S I   WS-C2960X Gig 1/0/48

Total cdp entries displayed : 3",
    },
    Show {
        command: "show mac address-table",
        output: "          Mac Address Table
-------------------------------------------

Vlan    Mac Address       Type        Ports
----    -----------       --------    -----
 All    0100.0ccc.cccc    STATIC      CPU
 All    0100.0ccc.cccd    STATIC      CPU
 100    0050.56a1.3c0e    DYNAMIC     Gi1/0/1
 100    0050.56a1.7f21    DYNAMIC     Gi1/0/1
 200    0050.56a1.9b44    DYNAMIC     Gi1/0/2
 200    00a2.ee3c.1d80    DYNAMIC     Gi1/0/2
   1    7c0e.ce61.a9c2    DYNAMIC     Gi1/0/24
Total Mac Addresses for this criterion: 7",
    },
    Show {
        command: "show ip bgp summary",
        output: "BGP router identifier 192.168.255.11, local AS number 65011
BGP table version is 42, main routing table version 42
12 network entries using 2976 bytes of memory
14 path entries using 1904 bytes of memory
5/4 BGP path/bestpath attribute entries using 1440 bytes of memory
2 BGP AS-PATH entries using 64 bytes of memory
0 BGP route-map cache entries using 0 bytes of memory
0 BGP filter-list cache entries using 0 bytes of memory
BGP using 6384 total bytes of memory
BGP activity 14/2 prefixes, 18/4 paths, scan interval 60 secs

Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
172.16.252.1    4        65000  112874  112861       42    0    0 11w2d          10
192.168.255.12  4        65011   98214   98230       42    0    0 9w6d            2",
    },
];

/// The show commands of the command sets on an IOS XR device, with outputs
/// of an ASR 9000.
pub(crate) const IOS_XR: &[Show] = &[
    Show {
        command: "show version",
        output: "Cisco IOS XR Software, Version 7.3.2
Copyright (c) 2013-2021 by Cisco Systems, Inc.

Build Information:
 Built By     : ingunawa
 Built On     : Wed Oct 13 20:00:36 PDT 2021
 Built Host   : iox-ucs-017
 Workspace    : /auto/srcarchive17/prod/7.3.2/asr9k-x64/ws
 Version      : 7.3.2
 Location     : /opt/cisco/XR/packages/
 Label        : 7.3.2

cisco ASR9K () processor
System uptime is 41 weeks 2 days 3 hours 27 minutes",
    },
    Show {
        command: "show ip interface brief",
        output: "Interface                      IP-Address      Status          Protocol Vrf-Name
Loopback0                      192.168.255.1   Up              Up       default
MgmtEth0/RSP0/CPU0/0           {address}     Up              Up       Mgmt
GigabitEthernet0/0/0/0         172.16.250.1    Up              Up       default
GigabitEthernet0/0/0/1         172.16.252.1    Up              Up       default
GigabitEthernet0/0/0/2         172.16.253.1    Up              Up       default
GigabitEthernet0/0/0/3         unassigned      Shutdown        Down     default",
    },
    Show {
        command: "show ip route",
        output: "Codes: C - connected, S - static, R - RIP, B - BGP, (>) - Diversion path
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2, E - EGP
       i - ISIS, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, su - IS-IS summary null, * - candidate default
       U - per-user static route, o - ODR, L - local, G  - DAGR, l - LISP
       A - access/subscriber, a - Application route
       M - mobile route, r - RPL, t - Traffic Engineering, (!) - FRR Backup path

Gateway of last resort is 172.16.250.2 to network 0.0.0.0

S*   0.0.0.0/0 [1/0] via 172.16.250.2, 41w2d
C    172.16.250.0/30 is directly connected, 41w2d, GigabitEthernet0/0/0/0
L    172.16.250.1/32 is directly connected, 41w2d, GigabitEthernet0/0/0/0
C    172.16.252.0/30 is directly connected, 11w2d, GigabitEthernet0/0/0/1
L    172.16.252.1/32 is directly connected, 11w2d, GigabitEthernet0/0/0/1
L    192.168.255.1/32 is directly connected, 41w2d, Loopback0
O    192.168.255.11/32 [110/2] via 172.16.252.2, 3d04h, GigabitEthernet0/0/0/1",
    },
    Show {
        command: "show cdp neighbors",
        output: "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge
                  S - Switch, H - Host, I - IGMP, r - Repeater

Device ID       Local Intrfce    Holdtme Capability Platform  Port ID
nyc-dist-sw01   Gi0/0/0/1        163     S I        WS-C3850- Gi1/0/24
nyc-core-rtr02  Gi0/0/0/2        141     R          ASR9K     Gi0/0/0/2",
    },
    Show {
        command: "show interface brief",
        output: "               Intf       Intf        LineP              Encap  MTU        BW
               Name       State       State               Type (byte)    (Kbps)
--------------------------------------------------------------------------------
                Lo0          up          up           Loopback  1500          0
                Nu0          up          up               Null  1500          0
        Mg0/RSP0/CPU0/0      up          up               ARPA  1514    1000000
          Gi0/0/0/0          up          up               ARPA  1514    1000000
          Gi0/0/0/1          up          up               ARPA  1514    1000000
          Gi0/0/0/2          up          up               ARPA  1514    1000000
          Gi0/0/0/3  admin-down  admin-down               ARPA  1514    1000000",
    },
    Show {
        command: "show ip bgp summary",
        output: "BGP router identifier 192.168.255.1, local AS number 65000
BGP generic scan interval 60 secs
Non-stop routing is enabled
BGP table state: Active
Table ID: 0xe0000000   RD version: 118
BGP main routing table version 118
BGP NSR Initial initsync version 4 (Reached)
BGP NSR/ISSU Sync-Group versions 0/0
BGP scan interval 60 secs

BGP is operating in STANDALONE mode.


Process       RcvTblVer   bRIB/RIB   LabelVer  ImportVer  SendTblVer  StandbyVer
Speaker             118        118        118        118         118           0

Neighbor        Spk    AS MsgRcvd MsgSent   TblVer  InQ OutQ  Up/Down  St/PfxRcd
172.16.250.2      0 64512  302211  288734      118    0    0    41w2d        812
172.16.252.2      0 65011  112861  112874      118    0    0    11w2d          2",
    },
];

/// The device's answer to a command it does not have, as the IOS and IOS XR
/// CLIs print it: the command echoed, a caret under the word it failed on.
pub(crate) fn invalid_input(command: &str, failed_word: usize) -> String {
    let column = command
        .split(' ')
        .take(failed_word)
        .map(|word| word.len() + 1)
        .sum::<usize>();
    format!(
        "{command}\n{caret:>width$}\n% Invalid input detected at '^' marker.",
        caret = "^",
        width = column + 1
    )
}

/// The show command of `shows` that `command` names, IOS-style: as many
/// words, each a prefix of the full word (`sh ip int br`); else the index
/// of the first word that matched no command, for [`invalid_input`].
pub(crate) fn find<'a>(shows: &'a [Show], command: &str) -> Result<&'a Show, usize> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut deepest = 0;
    for show in shows {
        let full: Vec<&str> = show.command.split(' ').collect();
        let matched = words
            .iter()
            .zip(&full)
            .take_while(|(word, full)| full.starts_with(**word))
            .count();
        if matched == words.len() && matched == full.len() {
            return Ok(show);
        }
        deepest = deepest.max(matched);
    }
    Err(deepest.min(words.len().saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_match_as_ios_abbreviations() {
        assert_eq!(
            find(IOS, "show ip bgp sum").unwrap().command,
            "show ip bgp summary"
        );
        assert_eq!(
            find(IOS, "sh ip int br").unwrap().command,
            "show ip interface brief"
        );
        assert_eq!(
            find(IOS, "show cdp neighbor").unwrap().command,
            "show cdp neighbors"
        );
        // The fake IOS knows no `show interface…`: the caret goes under `interface`.
        assert_eq!(find(IOS, "show interface brief").err(), Some(1));
        assert_eq!(
            invalid_input("show interface brief", 1),
            "show interface brief\n     ^\n% Invalid input detected at '^' marker."
        );
        assert!(find(IOS_XR, "show interface brief").is_ok());
    }
}
