package flowlog

import "encoding/binary"

// Parse finds the values of a line through a mask of their boundaries,
// one 64-bit word for each 64 bytes of the line. Finding the next value
// then costs a few bit operations on a register, where a scan would wait
// on every byte it loads.
//
// A boundary is the first byte of a value, or the position just past its
// last byte: a space, or the end of the line. In a line, boundaries
// alternate start, end, start, end.

// nextBlock returns the first block after the one at base that has a
// boundary: its position, its boundary mask and the carry for the block
// after it. The mask is zero when the line has no such block.
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

// blockBounds returns the boundaries in the 64 bytes of line at base, bit
// j standing for position base+j, and the carry for the next block. carry
// is 1 when the byte before base is part of a value. Positions past the
// end of the line count as spaces, so the last value has an end.
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
		sp = tailSpaces(line, base)
	}
	inValue := ^sp
	// A boundary is where a byte and the one before it differ in kind.
	return inValue ^ (inValue<<1 | carry), inValue >> 63
}

// tailSpaces is the space mask of the last block of line, which starts at
// base and runs past the end of the line.
func tailSpaces(line []byte, base int) uint64 {
	sp := ^uint64(0)
	k := 0
	for ; base+k+8 <= len(line); k += 8 {
		w := binary.LittleEndian.Uint64(line[base+k:])
		sp = sp&^(0xff<<k) | spaceBits(w)<<k
	}
	rest := len(line) - (base + k) // bytes left, fewer than eight
	if rest <= 0 {
		return sp
	}
	// Take the last bytes from a word that ends with the line, rather than
	// copying them, and fill the rest of the word with spaces.
	var w uint64
	if len(line) >= 8 {
		w = binary.LittleEndian.Uint64(line[len(line)-8:]) >> (8 * (8 - rest))
	} else {
		for j := len(line) - 1; j >= base+k; j-- {
			w = w<<8 | uint64(line[j])
		}
	}
	w |= spaces << (8 * rest)
	return sp&^(0xff<<k) | spaceBits(w)<<k
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
	// The high bit of a byte of zero is set when that byte of x is 0;
	// unlike the usual trick, no carry crosses from one byte to the next.
	zero := ^((x&low7Bits + low7Bits) | x) & highBits
	return (zero >> 7) * gatherMul >> 56
}
