// The tester's view and command ids, apart from the panel code so that manifest tests can read them without vscode.
export const testerViewId = 'modelport.views.tester';
export const testerCommands = { open: 'modelport.tester.open', testService: 'modelport.service.test', testImage: 'modelport.tester.testImage' } as const;
