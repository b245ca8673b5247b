package flowlog

import "encoding/binary"

// Parse finds the values of a line through their boundaries, 64 bytes at
// a time: it marks the spaces of a block in one word, so that finding the
// next value costs a few bit operations rather than a byte-by-byte scan
// whose every step waits for the last.
//
// A boundary is the first byte of a value, or the position just past its
// last byte (a space, or the end of the line). Boundaries alternate: start,
// end, start, end.

// nextBlock returns the first block after the one at base that has a
// boundary, with its position, boundaries and carry; the mask is zero when
// no block is left.
func nextBlock(line []byte, base int, carry uint64) (int, uint64, uint64) {
	for base+64 <= len(line) {
		base += 64
		var mask uint64
		if mask, carry = blockBounds(line, base, carry); mask != 0 {
			return base, mask, carry
		}
	}
	return base, 0, carry
}

// blockBounds returns the boundaries in the 64 bytes of line at base, as
// a mask with bit j for position base+j, and the carry for the next
// block. carry is 1 when the byte before base is part of a value. Bytes
// past the end of the line count as spaces.
func blockBounds(line []byte, base int, carry uint64) (uint64, uint64) {
	var sp uint64
	if base+64 <= len(line) {
		blk := (*[64]byte)(line[base:])
		sp = spaceBits(binary.LittleEndian.Uint64(blk[0:])) |
			spaceBits(binary.LittleEndian.Uint64(blk[8:]))<<8 |
			spaceBits(binary.LittleEndian.Uint64(blk[16:]))<<16 |
			spaceBits(binary.LittleEndian.Uint64(blk[24:]))<<24 |
			spaceBits(binary.LittleEndian.Uint64(blk[32:]))<<32 |
			spaceBits(binary.LittleEndian.Uint64(blk[40:]))<<40 |
			spaceBits(binary.LittleEndian.Uint64(blk[48:]))<<48 |
			spaceBits(binary.LittleEndian.Uint64(blk[56:]))<<56
	} else {
		sp = lastSpaces(line, base)
	}
	inValue := ^sp
	// A boundary is where a byte and the one before it differ in kind.
	return inValue ^ (inValue<<1 | carry), inValue >> 63
}

// lastSpaces is blockBounds's space mask for the last, partial block.
func lastSpaces(line []byte, base int) uint64 {
	sp := ^uint64(0)
	for k := 0; k < 64; k += 8 {
		i := base + k
		switch {
		case i+8 <= len(line):
			w := binary.LittleEndian.Uint64(line[i:])
			sp = sp&^(0xff<<k) | spaceBits(w)<<k
		case i < len(line):
			sp = sp&^(0xff<<k) | spaceBits(paddedWord(line[i:]))<<k
		}
	}
	return sp
}

// Constants for testing eight bytes at a time.
const (
	lowBits   = 0x0101010101010101
	low7Bits  = 0x7f7f7f7f7f7f7f7f
	highBits  = 0x8080808080808080
	spaces    = lowBits * ' '
	gatherMul = 0x0102040810204080 // moves bit 0 of byte j to bit 56+j
)

// spaceBits returns a byte with bit j set when byte j of the
// little-endian word w is a space.
func spaceBits(w uint64) uint64 {
	x := w ^ spaces
	// The high bit of each byte of zero is set when that byte of x is 0;
	// unlike the usual trick, no carry crosses from one byte to the next.
	zero := ^((x&low7Bits + low7Bits) | x) & highBits
	return (zero >> 7) * gatherMul >> 56
}

// paddedWord returns the first bytes of tail, fewer than eight, as a
// little-endian word with spaces for the bytes past its end.
func paddedWord(tail []byte) uint64 {
	w := uint64(spaces)
	for j := len(tail) - 1; j >= 0; j-- {
		w = w<<8 | uint64(tail[j])
	}
	return w
}
