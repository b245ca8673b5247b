package flowlog

import (
	"encoding/binary"
	"net/netip"
)

// parseAddr reads an IPv4 or IPv6 address the way netip.ParseAddr does,
// without allocating, and reports whether it is one. IPv6 zones ("%eth0")
// are refused: flow logs never write them.
func parseAddr(b []byte) (netip.Addr, bool) {
	// An IPv6 address has a colon within its first five bytes.
	for i := 0; i < len(b) && i < 5; i++ {
		if b[i] == ':' {
			return parseIPv6(b)
		}
	}
	ip, ok := parseIPv4(b)
	return addrFrom4(ip), ok
}

// addrFrom4 returns the IPv4 address whose bits are ip.
func addrFrom4(ip uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{
		byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip),
	})
}

// parseIPv4 reads a dotted-quad address: four decimal octets up to 255,
// without leading zeros. It returns the address as 32 bits.
func parseIPv4(b []byte) (uint32, bool) {
	var ip uint32
	i := 0
	for k := 0; k < 4; k++ {
		if k > 0 {
			if i == len(b) || b[i] != '.' {
				return 0, false
			}
			i++
		}
		// One to three digits; a leading zero stands alone, so the "1" of
		// "01" is left to fail as the separator.
		if i == len(b) || b[i]-'0' > 9 {
			return 0, false
		}
		v := uint32(b[i] - '0')
		i++
		if v != 0 && i < len(b) && b[i]-'0' <= 9 {
			v = v*10 + uint32(b[i]-'0')
			i++
			if i < len(b) && b[i]-'0' <= 9 {
				v = v*10 + uint32(b[i]-'0')
				i++
			}
		}
		if v > 255 {
			return 0, false
		}
		ip = ip<<8 | v
	}
	return ip, i == len(b)
}

// parseIPv6 reads an IPv6 address: up to eight groups of one to four hex
// digits, at most one "::" standing for one or more zero groups, and an
// optional dotted-quad IPv4 address as the last 32 bits.
func parseIPv6(s []byte) (netip.Addr, bool) {
	var ip [16]byte
	n, ellipsis, i := 0, -1, 0 // bytes of ip filled; bytes before "::"
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, i = 0, 2
	}
	for i < len(s) && n < 16 {
		start := i
		var g uint32
		for ; i < len(s) && hexValue[s[i]] < 16; i++ {
			g = g<<4 | uint32(hexValue[s[i]])
		}
		if i == start || i-start > 4 {
			return netip.Addr{}, false
		}
		if i < len(s) && s[i] == '.' {
			// The rest is an IPv4 address for the last four bytes.
			v4, ok := parseIPv4(s[start:])
			if !ok || n > 12 || (ellipsis < 0 && n != 12) {
				return netip.Addr{}, false
			}
			binary.BigEndian.PutUint32(ip[n&15:], v4)
			n, i = n+4, len(s)
			break
		}
		binary.BigEndian.PutUint16(ip[n&15:], uint16(g))
		n += 2
		if i == len(s) {
			break
		}
		// A separator follows: ":" before a group, or the one "::".
		if s[i] != ':' || i+1 == len(s) {
			return netip.Addr{}, false
		}
		if i++; s[i] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis, i = n, i+1
		}
	}
	if i != len(s) {
		return netip.Addr{}, false
	}
	return expandEllipsis(ip, n, ellipsis)
}

// expandEllipsis widens the "::" that stands after byte ellipsis of ip,
// so that the n bytes read fill all 16, and returns the address.
func expandEllipsis(ip [16]byte, n, ellipsis int) (netip.Addr, bool) {
	if n == 16 {
		// "::" must stand for at least one group.
		return netip.AddrFrom16(ip), ellipsis < 0
	}
	if ellipsis < 0 {
		return netip.Addr{}, false
	}
	shift := 16 - n
	copy(ip[ellipsis+shift:], ip[ellipsis:n])
	clear(ip[ellipsis : ellipsis+shift])
	return netip.AddrFrom16(ip), true
}

// hexValue maps a byte to its value as a hex digit, or to 0xff.
var hexValue = func() (t [256]byte) {
	for c := range t {
		t[c] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()
