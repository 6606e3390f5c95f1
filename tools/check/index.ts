import type { CheckStage } from "./stage";
import { kubernetesSchemaStage } from "./kubernetes-schema";
import { chartsStage } from "./charts";
import { blackboxStage } from "./blackbox";
import { monitorsStage } from "./monitors";
import { policyStage } from "./policy";
import { promtoolStage } from "./promtool";
import { amtoolStage } from "./amtool";

export * from "./stage";

/**
 * The stages of `platform check`, in order. Each capability that ships something a real
 * tool can judge (policies, promtool, amtool, the blackbox exporter) adds its stage here.
 */
export const CHECK_STAGES: CheckStage[] = [chartsStage, kubernetesSchemaStage, blackboxStage, monitorsStage, promtoolStage, amtoolStage, policyStage];
