package terraform

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// prefixList names a prefix list and gives its name when known.
func (mp *tfMapper) prefixList(s string) (id, name string) {
	in, attr, ext := mp.ref(s)
	r := mp.r
	switch {
	case in != nil && in.res.data && (in.res.typ == "aws_prefix_list" || in.res.typ == "aws_ec2_managed_prefix_list"):
		it := r.item(in)
		if n, why := tfStr(r.get(it, "name")); why == "" && n != "" {
			name = n
		}
		fs, _ := r.nested(it, "filter")
		for _, f := range fs {
			if fn, _ := tfStr(r.get(f, "name")); fn == "prefix-list-name" {
				if l, why := tfStrList(r.get(f, "values")); why == "" && len(l) == 1 {
					name = l[0]
				}
			}
		}
		return in.addr, name
	case in != nil && in.res.typ == "aws_vpc_endpoint" && attr == "prefix_list_id":
		if sn, why := tfStr(r.get(r.item(in), "service_name")); why == "" {
			if tfServiceShort(sn) == "s3" {
				name = "com.amazonaws." + in.region() + ".s3"
			}
		}
		return in.addr + ".prefix_list_id", name
	case in != nil:
		if n, why := tfStr(r.get(r.item(in), "name")); why == "" && !in.res.data {
			name = n
		}
		return in.addr, name
	case ext != "" && ext != s:
		return tfExtID(s), ""
	}
	return s, ""
}

// tfServiceShort is the service of an endpoint service name:
// com.amazonaws.REGION.ecr.api is ecr.api.
func tfServiceShort(s string) string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == '.' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	parts = append(parts, s[start:])
	if len(parts) > 0 && parts[0] == "cn" {
		parts = parts[1:]
	}
	if len(parts) < 4 || parts[0] != "com" || parts[1] != "amazonaws" {
		return ""
	}
	return strings.Join(parts[3:], ".")
}

func (mp *tfMapper) fillEndpoints() {
	r := mp.r
	for _, in := range mp.of("aws_vpc_endpoint") {
		e := mp.nodes[in.addr].(*pullpath.Endpoint)
		it := r.item(in)
		s, _ := mp.str(in, "vpc_id")
		e.VPC = mp.vpc(s)
		e.ServiceName, _ = mp.str(in, "service_name")
		e.Service = tfServiceShort(e.ServiceName)
		if r.has(it, "service_region") {
			if sr, why := mp.str(in, "service_region"); why != "" {
				e.ServiceRegion = "${" + why + "}"
			} else {
				e.ServiceRegion = sr
			}
		}
		if t, why := mp.str(in, "vpc_endpoint_type"); why != "" {
			e.Type = ""
		} else if t == "" {
			e.Type = "Gateway"
		} else {
			e.Type = t
		}
		e.PrivateDNS = tfBool(r.get(it, "private_dns_enabled"), pullpath.No)
		if l, why := tfStrList(r.get(it, "security_group_ids")); why != "" {
			e.GroupsWhy = why
		} else {
			for _, g := range l {
				if x := mp.group(g); x != nil {
					e.Groups = append(e.Groups, x)
				}
			}
		}
		if l, why := tfStrList(r.get(it, "subnet_ids")); why != "" {
			e.SubnetsWhy = why
		} else {
			for _, g := range l {
				if x := mp.subnet(g); x != nil {
					e.Subnets = append(e.Subnets, x)
				}
			}
		}
		if l, why := tfStrList(r.get(it, "route_table_ids")); why != "" {
			e.RouteTablesWhy = why
		} else {
			for _, g := range l {
				if t, ext := mp.routeTable(g); t != nil {
					e.RouteTables = append(e.RouteTables, t)
				} else if e.RouteTablesWhy == "" {
					e.RouteTablesWhy = "the route table " + ext
				}
			}
		}
		if r.has(it, "policy") {
			e.Policy = mp.policy(in.addr+" policy", r.get(it, "policy"))
		}
	}
	endpoint := func(in *tfInst) *pullpath.Endpoint {
		s, _ := mp.str(in, "vpc_endpoint_id")
		if x, _, _ := mp.ref(s); x != nil {
			e, _ := mp.nodes[x.addr].(*pullpath.Endpoint)
			return e
		}
		return nil
	}
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		switch in.res.typ {
		case "aws_vpc_endpoint_route_table_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "route_table_id")
				if t, ext := mp.routeTable(s); t != nil {
					e.RouteTables = append(e.RouteTables, t)
				} else if why != "" {
					e.RouteTablesWhy = why
				} else {
					e.RouteTablesWhy = "the route table " + ext
				}
			}
		case "aws_vpc_endpoint_subnet_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "subnet_id")
				if x := mp.subnet(s); x != nil {
					e.Subnets = append(e.Subnets, x)
				} else if why != "" {
					e.SubnetsWhy = why
				}
			}
		case "aws_vpc_endpoint_security_group_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "security_group_id")
				if x := mp.group(s); x != nil {
					e.Groups = append(e.Groups, x)
				} else if why != "" {
					e.GroupsWhy = why
				}
				mp.epAssc[e] = true
				if tfBool(mp.r.get(mp.r.item(in), "replace_default_association"), pullpath.No) == pullpath.Yes {
					mp.epRepl[e] = true
				}
			}
		case "aws_vpc_endpoint_policy":
			if e := endpoint(in); e != nil {
				e.Policy = mp.policy(in.addr, mp.r.get(mp.r.item(in), "policy"))
			}
		case "aws_vpc_endpoint_private_dns":
			if e := endpoint(in); e != nil {
				e.PrivateDNS = tfBool(mp.r.get(mp.r.item(in), "private_dns_enabled"), pullpath.Unknown)
			}
		}
	}
	for _, in := range mp.of("aws_vpc_endpoint") {
		e := mp.nodes[in.addr].(*pullpath.Endpoint)
		if e.Type != "Interface" || e.GroupsWhy != "" {
			continue
		}
		own := r.has(r.item(in), "security_group_ids")
		if l, _ := tfStrList(r.get(r.item(in), "security_group_ids")); len(l) == 0 {
			own = false
		}
		if !own && !mp.epRepl[e] {
			e.Groups = append([]*pullpath.Group{mp.defaultGroup(e.VPC)}, e.Groups...)
		}
	}
}
