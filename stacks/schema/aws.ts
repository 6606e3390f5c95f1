import { z } from "zod";
import "./meta";

/** `app-platform:aws` */
export const awsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' }).meta({
    description: "Region of the stack's AWS resources: the backup bucket, KMS key, Secrets Manager secrets and ECR repositories.",
    examples: ["eu-west-1"],
  }),
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:oidc-provider\/.+$/, { error: "must be an IAM OIDC provider ARN" })
    .optional()
    .meta({
      description: "IAM OIDC provider of the EKS cluster, trusted by the IAM roles for service accounts (IRSA) of the in-cluster AWS clients, such as the backup jobs; required in staging and production while backups are enabled.",
      defaultText: "none (required in staging and production with backups)",
      examples: ["arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"],
    }),
  ecr: z
    .strictObject({
      keepImages: z.int32().min(1).max(1000).optional().meta({ description: "Images each ECR repository keeps; a lifecycle policy expires older ones.", examples: [50] }),
    })
    .optional()
    .meta({ description: "ECR repositories for the images the program builds (`services[].build`, the backup image)." }),
  secretRecoveryDays: z.int32().min(7).max(30).optional().meta({
    description: "Days Secrets Manager keeps a deleted secret recoverable before it is gone; longest in production, where a mistaken deletion must be undoable.",
    examples: [14],
  }),
});
