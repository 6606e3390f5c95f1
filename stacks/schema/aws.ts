import { z } from "zod";

/** `app-platform:aws` */
export const awsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' }),
  /** IAM OIDC provider of the EKS cluster, for IRSA roles. */
  oidcProviderArn: z.string().regex(/^arn:aws:iam::\d{12}:oidc-provider\/.+$/, { error: "must be an IAM OIDC provider ARN" }).optional(),
  /** Build service images and push them to ECR. */
  ecr: z.strictObject({ keepImages: z.int32().min(1).max(1000).optional() }).optional(),
  /** Days Secrets Manager waits before deleting a secret. */
  secretRecoveryDays: z.int32().min(7).max(30).optional(),
});
