package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// AccountPlaceholder is what a role ARN template says where each account's
// id goes: arn:aws:iam::{account}:role/PullCheck.
const AccountPlaceholder = "{account}"

// SessionName is the role session name of every assumed session, so that
// CloudTrail shows pullcheck's reads as pullcheck's.
const SessionName = "pullcheck"

// manyOnly are the operations only ReadAll calls, for many accounts or
// regions; Read calls the others.
var manyOnly = []string{"sts:AssumeRole", "organizations:ListAccounts", "ec2:DescribeRegions"}

// ValidAccount says whether id is an AWS account id: 12 digits.
func ValidAccount(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseAccounts reads account ids separated by commas, blanks or lines;
// a # starts a comment to the end of its line. It keeps the first of
// duplicates and errs on anything that is not 12 digits.
func ParseAccounts(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, id := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			if !ValidAccount(id) {
				return nil, fmt.Errorf("%q is not an account id (12 digits)", id)
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no account id")
	}
	return out, nil
}

// ValidRoleTemplate checks a role ARN template: an IAM role ARN, with
// AccountPlaceholder where the account goes unless there is one account.
func ValidRoleTemplate(tmpl string, accounts int) error {
	if !strings.HasPrefix(tmpl, "arn:") || !strings.Contains(tmpl, ":iam::") || !strings.Contains(tmpl, ":role/") {
		return fmt.Errorf("%q is not a role ARN (arn:aws:iam::{account}:role/NAME)", tmpl)
	}
	if accounts != 1 && !strings.Contains(tmpl, AccountPlaceholder) {
		return fmt.Errorf("%q does not say where the account goes (%s)", tmpl, AccountPlaceholder)
	}
	return nil
}

// RoleARN is the role of account under the template.
func RoleARN(tmpl, account string) string {
	return strings.ReplaceAll(tmpl, AccountPlaceholder, account)
}

// globalRegion is the region of a global service's (Organizations') one
// endpoint in the partition of region.
func globalRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "cn-northwest-1"
	case strings.HasPrefix(region, "us-gov-"):
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// OrgAccounts lists the organization's ACTIVE accounts
// (organizations:ListAccounts, every page), sorted, with cfg's credentials:
// those of the management account or of a delegated administrator.
func OrgAccounts(ctx context.Context, cfg aws.Config) ([]string, error) {
	cfg = cfg.Copy()
	cfg.Region = globalRegion(cfg.Region)
	client := organizations.NewFromConfig(cfg)
	var out []string
	err := pages(func(token *string) (*string, error) {
		page, err := client.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: token, MaxResults: aws.Int32(20)})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			// State replaces the deprecated Status; either says ACTIVE
			if a.State == orgtypes.AccountStateActive || (a.State == "" && a.Status == orgtypes.AccountStatusActive) {
				out = append(out, aws.ToString(a.Id))
			}
		}
		return page.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("organizations:ListAccounts: %s", Reason(err))
	}
	if len(out) == 0 {
		return nil, errors.New("organizations:ListAccounts: the organization has no active account")
	}
	slices.Sort(out)
	return out, nil
}

// EnabledRegions lists the regions the account of cfg has enabled
// (ec2:DescribeRegions, which leaves out the opt-in regions not opted in),
// sorted. cfg.Region is where it asks; "" asks us-east-1.
func EnabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	cfg = cfg.Copy()
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("ec2:DescribeRegions: %s", Reason(err))
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	if len(regions) == 0 {
		return nil, errors.New("ec2:DescribeRegions: no region is enabled")
	}
	slices.Sort(regions)
	return regions, nil
}

// Session is cfg with the credentials of role, assumed with cfg's
// credentials (sts:AssumeRole) once and cached until they expire: one
// session for every region of the account. Its clients keep cfg's
// retryer constructor, so each gets its own retryer and backs off alone.
func Session(cfg aws.Config, role string) aws.Config {
	stsCfg := cfg.Copy()
	if stsCfg.Region == "" {
		stsCfg.Region = "us-east-1"
	}
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(stsCfg), role, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = SessionName
	}))
	return out
}

// Reason is err in one line: the action that failed, the API error's
// code and message and how many attempts were made, else the error's
// first line; of several errors the first, counting the others.
func Reason(err error) string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := j.Unwrap(); len(errs) > 0 {
			r := Reason(errs[0])
			if len(errs) > 1 {
				r += fmt.Sprintf(" (and %d more)", len(errs)-1)
			}
			return r
		}
	}
	text := err.Error()
	prefix := ""
	if i := strings.Index(text, ": operation error "); i > 0 {
		prefix = text[:i] + ": "
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return firstLine(text)
	}
	out := prefix + ae.ErrorCode()
	if msg := ae.ErrorMessage(); msg != "" {
		out += ": " + firstLine(msg)
	}
	var me *retry.MaxAttemptsError
	if errors.As(err, &me) {
		out += fmt.Sprintf(" (after %d attempts)", me.Attempt)
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
