package cloudformation

import (
	"regexp"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// lookupName finds the prefix-list-name filter of a DescribeManagedPrefixLists
// call (the CDK's AwsCustomResource writes the call as JSON text).
var lookupName = regexp.MustCompile(`"prefix-list-name"\s*,\s*"Values"\s*:\s*\[\s*"([^"]+)"`)

// prefixListPeer reads what the set shows of the prefix list v a rule
// sends to or admits from: a list the set defines (AWS::EC2::PrefixList)
// with its entries, or the name of a list looked up at deploy time.
func (c *cfnCtx) prefixListPeer(r *pullpath.Rule, v any) {
	x, ok := v.(ref)
	if !ok {
		return
	}
	res := x.c.tpl.Resources[x.id]
	if res == nil {
		return
	}
	switch res.Type {
	case "AWS::EC2::PrefixList":
		r.List = x.c.prefixList(x.id)
		r.PrefixListName = ""
	case "Custom::AWS", "AWS::CloudFormation::CustomResource":
		// a deploy-time lookup: DescribeManagedPrefixLists by name
		if m := lookupName.FindStringSubmatch(pullpath.Show(x.c.prop(x.id, "Create"))); m != nil {
			r.PrefixListName = m[1]
		}
	}
}

// prefixList is the node of prefix list id, read once.
func (c *cfnCtx) prefixList(id string) *pullpath.PrefixList {
	if l, ok := c.nodes[id].(*pullpath.PrefixList); ok {
		return l
	}
	l := &pullpath.PrefixList{Node: c.nodeBase(id), Name: pullpath.Show(c.prop(id, "PrefixListName"))}
	c.nodes[id] = l
	if why := c.maybe[id]; why != "" {
		l.EntriesWhy = "prefix list " + id + ": " + why
	}
	switch es := c.prop(id, "Entries").(type) {
	case []any:
		for _, e := range es {
			em, _ := e.(map[string]any)
			b := c.cidrOf(em["Cidr"])
			if !b.Known() && b.In == "" {
				l.EntriesWhy = "an entry of prefix list " + id + " is " + pullpath.WhyOf(em["Cidr"])
				continue
			}
			l.Entries = append(l.Entries, b)
		}
	case nil:
	default:
		l.EntriesWhy = "the entries of prefix list " + id + " are " + pullpath.WhyOf(es)
	}
	return l
}

// markedS3 says whether a rule resource's metadata marks its prefix list
// as S3's, as the privatepull library writes it:
//
//	Metadata: {"privatepull": {"s3PrefixList": true}}
func markedS3(md map[string]any) bool {
	pp, _ := md["privatepull"].(map[string]any)
	b, _ := pp["s3PrefixList"].(bool)
	return b
}

// templateS3Lists are the prefix lists a template names as S3's in its
// own metadata, for hand-written templates whose rules are inline:
//
//	Metadata: {"privatepull": {"s3PrefixLists": ["pl-..."]}}
func templateS3Lists(md map[string]any) []string {
	pp, _ := md["privatepull"].(map[string]any)
	list, _ := pp["s3PrefixLists"].([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
