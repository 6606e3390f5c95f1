// Application services: blue-green Deployments, autoscaling, availability and their images.
export * from "./blue-green-service";
export * from "./service-image";
export * from "./labels";
export * from "./sizing";
export * from "./pod";
export * from "./network";
export * from "./settings";
export * from "./traffic-router";
export * from "./migration-job";
