package terraform

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

func tfCidrSubnet(prefix string, newbits, netnum int64) (string, error) {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return "", err
	}
	p = p.Masked()
	total := int64(p.Addr().BitLen())
	bits := int64(p.Bits()) + newbits
	if newbits < 0 || bits > total {
		return "", fmt.Errorf("cannot add %d bits to %s", newbits, prefix)
	}
	if netnum < 0 || (newbits < 63 && netnum >= int64(1)<<newbits) {
		return "", fmt.Errorf("netnum %d does not fit in %d bits", netnum, newbits)
	}
	base := new(big.Int).SetBytes(p.Addr().AsSlice())
	base.Or(base, new(big.Int).Lsh(big.NewInt(netnum), uint(total-bits)))
	return tfPrefixFromInt(base, int(total), int(bits))
}

func tfPrefixFromInt(n *big.Int, total, bits int) (string, error) {
	b := n.FillBytes(make([]byte, total/8))
	a, ok := netip.AddrFromSlice(b)
	if !ok {
		return "", errors.New("bad address")
	}
	return netip.PrefixFrom(a, bits).String(), nil
}

var tfCidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		nb, err := tfIntArg(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		nn, err := tfIntArg(args[2])
		if err != nil {
			return cty.NilVal, err
		}
		s := args[0].AsString()
		if in, ok := tfSymInner(s); ok {
			return cty.StringVal(fmt.Sprintf("${cidrsubnet(%s,%d,%d)}", in, nb, nn)), nil
		}
		out, err := tfCidrSubnet(s, nb, nn)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(out), nil
	},
})

var tfCidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s := args[0].AsString()
		var nbs []int64
		for _, a := range args[1:] {
			nb, err := tfIntArg(a)
			if err != nil {
				return cty.NilVal, err
			}
			nbs = append(nbs, nb)
		}
		if len(nbs) == 0 {
			return cty.ListValEmpty(cty.String), nil
		}
		var out []cty.Value
		if in, ok := tfSymInner(s); ok {
			for i, nb := range nbs {
				out = append(out, cty.StringVal(fmt.Sprintf("${cidrsubnets(%s,%d)[%d]}", in, nb, i)))
			}
			return cty.ListVal(out), nil
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return cty.NilVal, err
		}
		p = p.Masked()
		total := p.Addr().BitLen()
		cur := new(big.Int).SetBytes(p.Addr().AsSlice())
		end := new(big.Int).Add(cur, new(big.Int).Lsh(big.NewInt(1), uint(total-p.Bits())))
		for _, nb := range nbs {
			bits := p.Bits() + int(nb)
			if nb < 1 || bits > total {
				return cty.NilVal, fmt.Errorf("cannot add %d bits to %s", nb, s)
			}
			size := new(big.Int).Lsh(big.NewInt(1), uint(total-bits))
			// align up to the block size
			rem := new(big.Int).Mod(cur, size)
			if rem.Sign() != 0 {
				cur.Add(cur, new(big.Int).Sub(size, rem))
			}
			next := new(big.Int).Add(cur, size)
			if next.Cmp(end) > 0 {
				return cty.NilVal, fmt.Errorf("not enough room in %s", s)
			}
			ps, err := tfPrefixFromInt(cur, total, bits)
			if err != nil {
				return cty.NilVal, err
			}
			out = append(out, cty.StringVal(ps))
			cur = next
		}
		return cty.ListVal(out), nil
	},
})

var tfCidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		hn, err := tfIntArg(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		s := args[0].AsString()
		if in, ok := tfSymInner(s); ok {
			return cty.StringVal(fmt.Sprintf("${cidrhost(%s,%d)}", in, hn)), nil
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return cty.NilVal, err
		}
		p = p.Masked()
		total := p.Addr().BitLen()
		size := new(big.Int).Lsh(big.NewInt(1), uint(total-p.Bits()))
		h := big.NewInt(hn)
		if hn < 0 {
			h.Add(size, h)
		}
		if h.Sign() < 0 || h.Cmp(size) >= 0 {
			return cty.NilVal, fmt.Errorf("host number %d does not fit in %s", hn, s)
		}
		n := new(big.Int).SetBytes(p.Addr().AsSlice())
		n.Add(n, h)
		a, ok := netip.AddrFromSlice(n.FillBytes(make([]byte, total/8)))
		if !ok {
			return cty.NilVal, errors.New("bad address")
		}
		return cty.StringVal(a.String()), nil
	},
})

func tfCidrNetmask(s string) (string, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return "", fmt.Errorf("not an IPv4 block: %s", s)
	}
	m := ^uint32(0) << (32 - p.Bits())
	if p.Bits() == 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&255, m>>8&255, m&255), nil
}

// tfCIDR reads a block: a literal, or a symbol (a block inside another
// symbol when it comes from cidrsubnet of it).
func tfCIDR(s string) pullpath.CIDR {
	if c := pullpath.ParseCIDR(s); c.Known() {
		return c
	}
	in, ok := tfSymInner(strings.TrimSpace(s))
	if !ok || in == "?" {
		return pullpath.CIDR{}
	}
	c := pullpath.CIDR{Sym: in}
	base := in
	for {
		open := strings.IndexByte(base, '(')
		if open < 0 {
			break
		}
		fn := base[:open]
		if fn != "cidrsubnet" && fn != "cidrsubnets" {
			break
		}
		// the first argument runs to the comma that closes its parentheses
		depth, end := 0, -1
		for i := open + 1; i < len(base); i++ {
			switch base[i] {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 0 && end < 0 {
					end = i
				}
			}
			if end >= 0 {
				break
			}
		}
		if end < 0 {
			break
		}
		base = base[open+1 : end]
		c.In = base
	}
	return c
}
