// Package pullapp is privatepull's default CDK app: one stack with a VPC (or
// an existing one), the endpoints of a private pull path and a Fargate
// service, configured with context keys. app.go at the repository root calls
// Build; tests call it the same way, so what is tested is what `cdk synth`
// produces.
package pullapp

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
)

// The context keys the app reads (`cdk synth -c KEY=VALUE`, or cdk.json).
const (
	KeyRepository   = "repository"   // name of a private ECR repository in the stack's account
	KeyTag          = "tag"          // image tag (default latest)
	KeyDigest       = "digest"       // image digest sha256:..., instead of a tag
	KeyPrefixListId = "prefixListId" // id of the S3 managed prefix list
	KeyAccount      = "account"      // with region: an environment-specific stack
	KeyRegion       = "region"       // with account: an environment-specific stack
	KeyVpcId        = "vpcId"        // an existing VPC, looked up (needs account and region)
	KeyNag          = "nag"          // cdk-nag AwsSolutions checks (default true)
	KeyTargets      = "targets"      // account/region pairs: one environment-specific stack each
)

// Keys lists the context keys the app reads.
var Keys = []string{KeyRepository, KeyTag, KeyDigest, KeyPrefixListId, KeyAccount, KeyRegion, KeyVpcId, KeyNag, KeyTargets}

// Config is the app's configuration, read from context by ConfigFromContext.
type Config struct {
	// Repository is an existing private ECR repository: its name (in the
	// stack's account), its ARN or its URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME,
	// possibly of another account). Default: "", an image built from
	// ImageDirectory.
	Repository string
	// Tag is the image tag in Repository. Default: "latest" when Digest is empty.
	Tag string
	// Digest is the image digest (sha256:...) in Repository. Default: "".
	Digest string
	// PrefixListId is the id of the S3 managed prefix list. Default: "",
	// looked up (see privatepull.EndpointsProps.S3PrefixListId).
	PrefixListId string
	// Account and Region make the stack environment-specific. Default: "",
	// an environment-agnostic stack.
	Account, Region string
	// VpcId is an existing VPC to look up. Default: "", a new VPC with two
	// isolated subnets and no route to the internet.
	VpcId string
	// Nag turns on cdk-nag's AwsSolutions checks. Default: true.
	Nag bool
	// Targets are environments to deploy to, one stack each. Default: none,
	// one stack (environment-specific when Account and Region are set).
	Targets []Target
	// ImageDirectory is the folder of the default container image. Default:
	// "image" in the module root (the nearest folder with go.mod, upwards
	// from the working directory).
	ImageDirectory string
}

// Target is one environment of the targets key.
type Target struct{ Account, Region string }

var (
	// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
	repositoryName    = `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
	repositoryPattern = regexp.MustCompile(`^(?:` + repositoryName + `|arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/` + repositoryName +
		`|[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/` + repositoryName + `)$`)
	repositoryParts   = regexp.MustCompile(`^(?:arn:aws[a-z-]*:ecr:([a-z0-9-]+):([0-9]{12}):repository/|([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/)?(.*)$`)
	tagPattern        = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestPattern     = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	prefixListPattern = regexp.MustCompile(`^pl-[0-9a-f]{8,17}$`)
	accountPattern    = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	vpcIdPattern      = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
)

// ConfigFromContext reads and checks the app's context keys on node (the
// App's node). A key without a colon that the app does not know is an error,
// so a misspelt -c key is not silently ignored; keys with a colon belong to
// the CDK (feature flags, lookups).
func ConfigFromContext(node constructs.Node) (*Config, error) {
	all, _ := node.GetAllContext(nil).(map[string]any)
	var unknown []string
	for k := range all {
		if !strings.Contains(k, ":") && !slices.Contains(Keys, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("pullapp: unknown context key %s; the app reads %s", strings.Join(unknown, ", "), strings.Join(Keys, ", "))
	}

	c := &Config{Nag: true}
	var err error
	str := func(key string, pattern *regexp.Regexp, want string) string {
		v, ok := all[key]
		if !ok || err != nil {
			return ""
		}
		s, isString := v.(string)
		if !isString || !pattern.MatchString(s) {
			err = fmt.Errorf("pullapp: context %s: got %s, want %s", key, show(v), want)
		}
		return s
	}
	c.Repository = str(KeyRepository, repositoryPattern, "a private ECR repository: a name like team/app, an ARN, or a URI ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME")
	c.Tag = str(KeyTag, tagPattern, "an image tag: up to 128 letters, digits, _ . -, not starting with . or -")
	c.Digest = str(KeyDigest, digestPattern, "an image digest sha256: followed by 64 lowercase hex digits")
	c.PrefixListId = str(KeyPrefixListId, prefixListPattern, "the id of the managed prefix list com.amazonaws.REGION.s3, like pl-63a5400a")
	c.Account = str(KeyAccount, accountPattern, "a 12-digit AWS account id")
	c.Region = str(KeyRegion, regionPattern, "an AWS region name like eu-west-1")
	c.VpcId = str(KeyVpcId, vpcIdPattern, "a VPC id like vpc-0123456789abcdef0")
	if v, ok := all[KeyNag]; ok && err == nil {
		switch v {
		case true, "true":
			c.Nag = true
		case false, "false":
			c.Nag = false
		default:
			err = fmt.Errorf("pullapp: context %s: got %s, want true or false", KeyNag, show(v))
		}
	}
	if v, ok := all[KeyTargets]; ok && err == nil {
		c.Targets, err = parseTargets(v)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case len(c.Targets) > 0 && (c.Account != "" || c.VpcId != ""):
		return nil, fmt.Errorf("pullapp: context targets: got targets with account/vpcId, want one or the other (a VPC id belongs to one environment)")
	case (c.Tag != "" || c.Digest != "") && c.Repository == "":
		return nil, fmt.Errorf("pullapp: context tag/digest: got %q without a repository, want -c repository=NAME as well", c.Tag+c.Digest)
	case c.Tag != "" && c.Digest != "":
		return nil, fmt.Errorf("pullapp: context tag and digest: got both (%q, %q), want one of them", c.Tag, c.Digest)
	case (c.Account == "") != (c.Region == ""):
		return nil, fmt.Errorf("pullapp: context account/region: got account %q and region %q, want both (an environment-specific stack) or neither", c.Account, c.Region)
	case c.VpcId != "" && c.Account == "":
		return nil, fmt.Errorf("pullapp: context vpcId: got %q without account and region, want -c account=... -c region=... as well (a VPC lookup needs an environment)", c.VpcId)
	}
	if c.Repository != "" && c.Tag == "" && c.Digest == "" {
		c.Tag = "latest"
	}
	return c, nil
}

// RepositoryParts splits Repository into the region and account of an ARN
// or URI (empty for a plain name) and the repository name.
func (c *Config) RepositoryParts() (region, account, name string) {
	m := repositoryParts.FindStringSubmatch(c.Repository)
	return m[1] + m[4], m[2] + m[3], m[5]
}

// parseTargets reads "ACCOUNT/REGION,ACCOUNT/REGION" (from -c) or a JSON
// list of "ACCOUNT/REGION" strings (from cdk.json).
func parseTargets(v any) ([]Target, error) {
	var items []string
	switch t := v.(type) {
	case string:
		items = strings.Split(t, ",")
	case []any:
		for _, i := range t {
			s, ok := i.(string)
			if !ok {
				items = nil
				break
			}
			items = append(items, s)
		}
	}
	var out []Target
	seen := map[Target]bool{}
	for _, item := range items {
		account, region, ok := strings.Cut(strings.TrimSpace(item), "/")
		target := Target{account, region}
		if !ok || !accountPattern.MatchString(account) || !regionPattern.MatchString(region) || seen[target] {
			items = nil
			break
		}
		seen[target] = true
		out = append(out, target)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("pullapp: context %s: got %s, want distinct ACCOUNT/REGION pairs, comma-separated (or a JSON list), like 123456789012/eu-west-1,123456789012/us-east-1", KeyTargets, show(v))
	}
	return out, nil
}

// show prints a context value the way the user wrote it.
func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}
