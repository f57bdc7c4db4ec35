package dev.opsworkbook.grading.samples;

class ShutdownHookAttackSuite extends AttackSuite {
    @Override
    void attack() throws Exception {
        Forgery.rewriteResultsAtExit();
    }
}
