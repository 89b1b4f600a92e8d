package pullpath

import (
	"regexp"
	"strings"
)

// Helpers every reader shares, so that inputs of any kind name things alike.

// PartitionOf is the partition of a region: aws, aws-cn or aws-us-gov.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// URLSuffixOf is the domain of AWS endpoints in a region.
func URLSuffixOf(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

var serviceName = regexp.MustCompile(`^(?:cn\.)?com\.amazonaws\.(?:\$\{[^}]*\}|[a-z0-9-]+)\.(.+)$`)

// ServiceShortName returns the part of an endpoint service name after the
// region ("ecr.api" of com.amazonaws.eu-west-1.ecr.api), or "".
func ServiceShortName(name string) string {
	if m := serviceName.FindStringSubmatch(name); m != nil && !strings.Contains(m[1], "${") {
		return m[1]
	}
	return ""
}

// SecretStore says from an ARN or name which store a secret is in:
// "secretsmanager", "ssm", or "" when it cannot tell.
func SecretStore(from string) string {
	switch {
	case strings.Contains(from, ":secretsmanager:"):
		return "secretsmanager"
	case strings.Contains(from, ":ssm:"), strings.Contains(from, ":parameter/"):
		return "ssm"
	case from != "" && !strings.HasPrefix(from, "arn:") && !strings.HasPrefix(from, "${"):
		return "ssm" // a parameter's name
	}
	return ""
}

// Add appends node x to list and returns it.
func Add[T any](list *[]*T, x *T) *T {
	*list = append(*list, x)
	return x
}

// Protocol names an IP protocol as the model writes it: "-1" (all), "tcp",
// "udp", "icmp", another number as written, or "" when unknown. Inputs write
// them as numbers (6), names (tcp) or -1.
func Protocol(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "-1", "all":
		return "-1"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	}
	return s
}
