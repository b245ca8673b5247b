package flowlog

import (
	"encoding/binary"
	"net/netip"
)

// scanAddr reads the address that starts at line[i] and ends at a space
// or at the end of line, the way netip.ParseAddr reads addresses but
// without allocating. It returns the address and the index past it, and
// reports whether the value is an IP address. IPv6 zones ("%eth0") are
// refused: flow logs never write them.
func scanAddr(line []byte, i int) (netip.Addr, int, bool) {
	// Most addresses are IPv4: read those in one pass.
	if ip, end, ok := scanIPv4(line, i); ok {
		return addrFrom4(ip), end, true
	}
	// An IPv6 address has a colon within its first five bytes.
	for j := i; j < len(line) && j < i+5 && line[j] != ' '; j++ {
		if line[j] == ':' {
			return scanIPv6(line, i)
		}
	}
	return netip.Addr{}, i, false
}

// parseAddr reads the address b; see scanAddr.
func parseAddr(b []byte) (netip.Addr, bool) {
	a, end, ok := scanAddr(b, 0)
	return a, ok && end == len(b)
}

// addrFrom4 returns the IPv4 address whose bits are ip.
func addrFrom4(ip uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{
		byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip),
	})
}

// scanIPv4 reads a dotted-quad address that starts at line[i] and ends at
// a space or at the end of line: four decimal octets up to 255, without
// leading zeros. It returns the address as 32 bits and the index past it.
func scanIPv4(line []byte, i int) (uint32, int, bool) {
	var ip uint32
	for k := 0; k < 4; k++ {
		if k > 0 {
			if i == len(line) || line[i] != '.' {
				return 0, i, false
			}
			i++
		}
		// One to three digits; a leading zero stands alone, so the "1" of
		// "01" is left to fail as the separator.
		if i == len(line) || line[i]-'0' > 9 {
			return 0, i, false
		}
		v := uint32(line[i] - '0')
		i++
		if v != 0 && i < len(line) && line[i]-'0' <= 9 {
			v = v*10 + uint32(line[i]-'0')
			i++
			if i < len(line) && line[i]-'0' <= 9 {
				v = v*10 + uint32(line[i]-'0')
				i++
			}
		}
		if v > 255 {
			return 0, i, false
		}
		ip = ip<<8 | v
	}
	return ip, i, i == len(line) || line[i] == ' '
}

// scanIPv6 reads an IPv6 address that starts at line[i] and ends at a
// space or at the end of line: up to eight groups of one to four hex
// digits, at most one "::" standing for one or more zero groups, and an
// optional dotted-quad IPv4 address as the last 32 bits. It returns the
// address and the index past it.
func scanIPv6(line []byte, i int) (netip.Addr, int, bool) {
	var ip [16]byte
	n, ellipsis := 0, -1 // bytes of ip filled; bytes before "::"
	if i+1 < len(line) && line[i] == ':' && line[i+1] == ':' {
		ellipsis, i = 0, i+2
	}
	for i < len(line) && line[i] != ' ' && n < 16 {
		start := i
		var g uint16
		if g, i = hexGroup(line, i); i == start || i-start > 4 {
			return netip.Addr{}, i, false
		}
		if i < len(line) && line[i] == '.' {
			// The rest is an IPv4 address for the last four bytes.
			v4, end, ok := scanIPv4(line, start)
			if !ok || n > 12 || (ellipsis < 0 && n != 12) {
				return netip.Addr{}, end, false
			}
			binary.BigEndian.PutUint32(ip[n&15:], v4)
			return expandEllipsis(ip, n+4, ellipsis, end)
		}
		binary.BigEndian.PutUint16(ip[n&15:], g)
		n += 2
		if i == len(line) || line[i] == ' ' {
			return expandEllipsis(ip, n, ellipsis, i)
		}
		// A separator follows: ":" before a group, or the one "::".
		if line[i] != ':' || i+1 == len(line) || line[i+1] == ' ' {
			return netip.Addr{}, i, false
		}
		if i++; line[i] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, i, false
			}
			ellipsis, i = n, i+1
		}
	}
	if i < len(line) && line[i] != ' ' {
		return netip.Addr{}, i, false // more than eight groups
	}
	return expandEllipsis(ip, n, ellipsis, i)
}

// hexGroup reads the hex digits at line[i] and returns their value and
// the index past them. More than four digits make no group: the caller
// checks the count.
func hexGroup(line []byte, i int) (uint16, int) {
	var g uint16
	for ; i < len(line); i++ {
		v := hexValue[line[i]]
		if v > 15 {
			break
		}
		g = g<<4 | uint16(v)
	}
	return g, i
}

// expandEllipsis widens the "::" that stands after byte ellipsis of ip,
// so that the n bytes read fill all 16, and returns the address and end,
// the index past it in the line. It fails for too few groups without a
// "::", and for a "::" that stands for no group.
func expandEllipsis(ip [16]byte, n, ellipsis, end int) (netip.Addr, int, bool) {
	switch {
	case n == 16 && ellipsis < 0:
		return netip.AddrFrom16(ip), end, true
	case n == 16 || ellipsis < 0:
		return netip.Addr{}, end, false
	}
	shift := 16 - n
	copy(ip[ellipsis+shift:], ip[ellipsis:n])
	clear(ip[ellipsis : ellipsis+shift])
	return netip.AddrFrom16(ip), end, true
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
