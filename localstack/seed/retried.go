package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/smithy-go"
)

// A create call the SDK retries after a lost answer may have taken effect
// the first time: the emulator then holds two REST APIs of one name, or
// answers the second attempt with "already exists". The seeder promises
// exact counts, so it treats both outcomes as the single creation asked
// for. Real AWS offers the same at-least-once behaviour.

// exists reports whether err says that what was being created exists,
// under one of the given error codes.
func exists(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, c := range codes {
		if apiErr.ErrorCode() == c {
			return true
		}
	}
	return false
}

// dedupeRESTAPIs deletes every REST API whose name an earlier one already
// has, so each name the seeder created stands for one API.
func dedupeRESTAPIs(ctx context.Context, c *apigateway.Client) error {
	seen := map[string]bool{}
	pages := apigateway.NewGetRestApisPaginator(c, &apigateway.GetRestApisInput{})
	var extra []string
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list REST APIs: %w", err)
		}
		for _, api := range page.Items {
			name := aws.ToString(api.Name)
			if seen[name] {
				extra = append(extra, aws.ToString(api.Id))
			}
			seen[name] = true
		}
	}
	for _, id := range extra {
		if _, err := c.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{
			RestApiId: aws.String(id)}); err != nil {
			return fmt.Errorf("delete duplicate REST API %s: %w", id, err)
		}
	}
	return nil
}

// dedupeAPIs does for HTTP and WebSocket APIs what dedupeRESTAPIs does
// for REST APIs.
func dedupeAPIs(ctx context.Context, c *apigatewayv2.Client) error {
	seen := map[string]bool{}
	var extra []string
	in := &apigatewayv2.GetApisInput{}
	for {
		page, err := c.GetApis(ctx, in)
		if err != nil {
			return fmt.Errorf("list HTTP APIs: %w", err)
		}
		for _, api := range page.Items {
			name := aws.ToString(api.Name)
			if seen[name] {
				extra = append(extra, aws.ToString(api.ApiId))
			}
			seen[name] = true
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	for _, id := range extra {
		if _, err := c.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{
			ApiId: aws.String(id)}); err != nil {
			return fmt.Errorf("delete duplicate API %s: %w", id, err)
		}
	}
	return nil
}
