package cloudformation

import (
	"bytes"
	"encoding/json"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// IsTemplate tells a CloudFormation template apart from other JSON or YAML
// (a workflow, package.json, a config, a Kubernetes manifest), from the
// file's bytes alone. A template is a mapping at the top level with
// AWSTemplateFormatVersion, or with a Resources mapping in which some entry
// has a Type of the shape AWS::..., Custom::... or Vendor::Service::Type.
// Short-form tags (!Ref, !Sub, ...) are fine. A file that is neither JSON
// nor YAML counts as a template only when its text names
// AWSTemplateFormatVersion or such a Type, so that a broken template is
// still reported while a Helm chart's templates are not.
func IsTemplate(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	top, ok := topLevel(data)
	if !ok {
		return templateText.Match(data)
	}
	if _, ok := top["AWSTemplateFormatVersion"]; ok {
		return true
	}
	resources, ok := top["Resources"].(map[string]any)
	if !ok {
		return false
	}
	for _, r := range resources {
		if r, ok := r.(map[string]any); ok {
			if t, ok := r["Type"].(string); ok && resourceType.MatchString(t) {
				return true
			}
		}
	}
	return false
}

// resourceType is the shape of a resource type: AWS::Service::Type,
// Custom::Name, or a third party's Vendor::Service::Type.
var resourceType = regexp.MustCompile(`^(AWS::|Custom::|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9])`)

// templateText finds a template's marks in a file that does not parse.
var templateText = regexp.MustCompile(`AWSTemplateFormatVersion|Type["']?\s*:\s*["']?(AWS|Custom)::`)

// topLevel decodes the top level of a JSON or YAML document two levels
// deep (keys, and the keys of their mappings' mappings, as plain values).
// It says false when the document does not parse or is not a mapping.
func topLevel(data []byte) (map[string]any, bool) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var top map[string]any
		if json.Unmarshal(t, &top) == nil {
			return top, true
		}
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil, false
	}
	return mapping(doc.Content[0], 3)
}

// mapping turns a YAML mapping node into a map, depth levels deep, keeping
// scalars as strings whatever their tag, so that short-form intrinsics
// (!Ref, !GetAtt) never fail the decoding.
func mapping(n *yaml.Node, depth int) (map[string]any, bool) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	m := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		switch {
		case v.Kind == yaml.ScalarNode:
			m[k.Value] = v.Value
		case v.Kind == yaml.MappingNode && depth > 1:
			m[k.Value], _ = mapping(v, depth-1)
		default:
			m[k.Value] = nil
		}
	}
	return m, true
}
