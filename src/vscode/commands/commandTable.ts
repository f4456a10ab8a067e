// Every Modelport command and the flow behind it: the one registration table. No `vscode` import, so a unit
// test can check it against package.json's contributes.commands.
import type { CommandDeps } from '../common/deps';
import { signIn } from './azure/signIn';
import { deleteModel } from './model/deleteModel';
import { deployModel } from './model/deployModel';
import { registerModel } from './model/registerModel';
import { newDeploymentConfig } from './scaffold/newDeploymentConfig';
import { newEntryScript } from './scaffold/newEntryScript';
import { newEnvironment } from './scaffold/newEnvironment';
import { newInferenceConfig } from './scaffold/newInferenceConfig';
import { copyKey } from './service/copyKey';
import { copyScoringUri } from './service/copyScoringUri';
import { debugInDocker } from './service/debugInDocker';
import { debugLocally } from './service/debugLocally';
import { deleteService } from './service/deleteService';
import { getToken } from './service/getToken';
import { openSwagger } from './service/openSwagger';
import { regenerateKey } from './service/regenerateKey';
import { showServiceLogs } from './service/showServiceLogs';
import { startService, stopService } from './service/stopService';
import { invokeService } from './service/invokeService';
import { updateService } from './service/updateService';
import { openSample } from './workspace/openSample';
import { refresh } from './workspace/refresh';

export type CommandFlow = (deps: CommandDeps, ...args: unknown[]) => Promise<unknown>;

export const commandTable: Readonly<Record<string, CommandFlow>> = {
  'modelport.model.register': registerModel,
  'modelport.model.deploy': deployModel,
  'modelport.model.delete': deleteModel,
  'modelport.service.update': updateService,
  'modelport.service.logs': showServiceLogs,
  'modelport.service.invoke': invokeService,
  'modelport.service.copyScoringUri': copyScoringUri,
  'modelport.service.copyKey': copyKey,
  'modelport.service.regenerateKey': regenerateKey,
  'modelport.service.getToken': getToken,
  'modelport.service.openSwagger': openSwagger,
  'modelport.service.stop': stopService,
  'modelport.service.start': startService,
  'modelport.service.delete': deleteService,
  'modelport.service.debugInDocker': debugInDocker,
  'modelport.service.debugLocally': debugLocally,
  'modelport.scaffold.entryScript': newEntryScript,
  'modelport.scaffold.environment': newEnvironment,
  'modelport.scaffold.inferenceConfig': newInferenceConfig,
  'modelport.scaffold.deploymentConfig': newDeploymentConfig,
  'modelport.workspace.refresh': refresh,
  'modelport.workspace.openSample': openSample,
  'modelport.azure.signIn': signIn,
};
